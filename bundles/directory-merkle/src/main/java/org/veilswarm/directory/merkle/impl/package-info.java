/** DS wiring of the {@code merkle} scheme (the client is {@code MerkleRelaySampler} in directory-core). Not exported. */
package org.veilswarm.directory.merkle.impl;
