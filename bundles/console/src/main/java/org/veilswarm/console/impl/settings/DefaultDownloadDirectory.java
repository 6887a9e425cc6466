package org.veilswarm.console.impl.settings;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The configured default download directory. An interface of its own so that the downloads servlet can use it
 * without loading {@link NodeSettings}, whose Configuration Admin package is optional.
 */
public interface DefaultDownloadDirectory {

    Path downloadDirectory() throws IOException;
}
