/**
 * The Veilswarm console: DS components that put the REST API, the browser UI and the management sign-in on
 * the Jakarta Servlet Whiteboard (OSGi Compendium R8.1 ch. 140), and guard all of it, the Felix Web Console
 * included, with one authentication. HTTP-independent logic lives in the sub-packages.
 */
package org.veilswarm.console.impl;
