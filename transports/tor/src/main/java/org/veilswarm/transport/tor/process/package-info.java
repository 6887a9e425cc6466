/**
 * Launching and stopping a C tor process owned by this JVM: torrc in its data directory, control port
 * on loopback found through ControlPortWriteToFile, ownership through TAKEOWNERSHIP and
 * __OwningControllerProcess (control-spec §3.23), so tor never outlives the node.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.transport.tor.process;
