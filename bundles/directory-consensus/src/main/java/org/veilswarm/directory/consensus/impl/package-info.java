/** DS wiring of the {@code consensus} scheme. Not exported. */
package org.veilswarm.directory.consensus.impl;
