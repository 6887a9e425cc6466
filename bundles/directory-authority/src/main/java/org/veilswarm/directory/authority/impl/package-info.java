/** DS wiring of the directory authority. Not exported. */
package org.veilswarm.directory.authority.impl;
