/**
 * Implementation details of {@code org.veilswarm.crypto}: not exported, may change at any time.
 * Bouncy Castle types appear only here and inside the exported classes' method bodies.
 */
package org.veilswarm.crypto.internal;
