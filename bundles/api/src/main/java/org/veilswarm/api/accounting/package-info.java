/**
 * The share-ratio accounting SPI. Share ratio = (uploaded + relayed for others) / downloaded.
 *
 * <p>Schemes are registered as {@link org.veilswarm.api.accounting.AccountingScheme} services with the
 * service property {@link org.veilswarm.api.accounting.AccountingScheme#SCHEME}. Whatever the scheme,
 * honest newcomers are served at a base rate (never a negative balance); credit buys priority.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.api.accounting;
