/** Byte-level helpers of the directory library; not exported. */
package org.veilswarm.directory.core.internal;
