/**
 * Resource limits of a relay that are not part of any wire format: token buckets for CREATE2 admission
 * and relayed bandwidth, and the handler that applies the bandwidth bucket to a link. Not exported.
 */
package org.veilswarm.transport.onion.limit;
