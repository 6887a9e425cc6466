/** DS wiring: the swarm engine as a service, and the share and download services over it. Not exported. */
package org.veilswarm.share.internal;
