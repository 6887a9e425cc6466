package org.veilswarm.launcher.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Veilswarm version this launcher was built as (filtered into version.properties by Maven). */
public final class LauncherVersion {

    private LauncherVersion() {
    }

    public static String get() {
        try (InputStream in = LauncherVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
