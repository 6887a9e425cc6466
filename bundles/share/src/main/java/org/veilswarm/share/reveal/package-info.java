/**
 * The reveal scan: what a share would tell about its owner beyond its content. Small strict parsers with
 * bounded reads (JPEG EXIF, PDF document information, Office Open XML core properties) and name heuristics.
 * Plain Java, no OSGi. See docs/shares.md.
 */
package org.veilswarm.share.reveal;
