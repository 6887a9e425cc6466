package org.veilswarm.console.impl.webconsole;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Removes the Felix Web Console's default {@code admin/admin} login, once, through Configuration Admin.
 *
 * <p>While {@link WebConsoleSecurityProvider} is registered the built-in login is never asked. But if the
 * console bundle is stopped while the web console keeps running, the web console falls back to its basic-auth
 * provider: with this configuration, whose password is the hash of random bytes nobody knows, that fallback
 * accepts no one. An operator who later sets a password of their own keeps it: the marker property stops us
 * from touching the configuration again.
 */
@Component
public final class WebConsoleLockdown {

    /** The web console's configuration PID (its OsgiManager). */
    static final String WEB_CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** Marks the configuration as locked down by us. */
    static final String MARKER = "veilswarm.lockdown";

    @Activate
    public WebConsoleLockdown(@Reference ConfigurationAdmin configurationAdmin,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL) Logger logger)
            throws IOException {
        // A null location leaves the configuration unbound until the web console claims it (104.4.1).
        Configuration configuration = configurationAdmin.getConfiguration(WEB_CONSOLE_PID, null);
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties != null && properties.get(MARKER) != null) {
            return;
        }
        Dictionary<String, Object> locked = properties == null ? new Hashtable<>() : properties;
        SecureRandom random = new SecureRandom();
        byte[] user = new byte[9];
        random.nextBytes(user);
        byte[] unknowable = new byte[32];
        random.nextBytes(unknowable);
        locked.put("username", "disabled-" + Base64.getUrlEncoder().withoutPadding().encodeToString(user));
        // The web console compares "{sha-256}" + base64(SHA-256(password)); no password hashes to this value
        // that anyone knows, since it is itself fresh random bytes.
        locked.put("password", "{sha-256}" + Base64.getEncoder().encodeToString(unknowable));
        locked.put(MARKER, Boolean.TRUE);
        configuration.update(locked);
        if (logger != null) {
            logger.info("Felix Web Console: built-in admin/admin login disabled (configuration " + WEB_CONSOLE_PID
                    + "); it is reached through the Veilswarm console's sign-in");
        }
    }
}
