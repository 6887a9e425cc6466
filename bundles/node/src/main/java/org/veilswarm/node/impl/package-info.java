/**
 * The node bundle's implementation: the data directory, the node's Ed25519 identity and its status.
 *
 * <p>Plain classes ({@link org.veilswarm.node.impl.DataDirectory},
 * {@link org.veilswarm.node.impl.IdentityKeyFile}, {@link org.veilswarm.node.impl.Ed25519NodeIdentity},
 * {@link org.veilswarm.node.impl.NodeStatusReporter}) hold the logic and are unit-tested without a
 * framework; the two DS components ({@link org.veilswarm.node.impl.NodeIdentityComponent},
 * {@link org.veilswarm.node.impl.NodeInfoComponent}) only wire them to the framework. Not exported.
 */
package org.veilswarm.node.impl;
