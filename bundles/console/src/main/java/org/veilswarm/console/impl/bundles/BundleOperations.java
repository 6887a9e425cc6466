package org.veilswarm.console.impl.bundles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.veilswarm.console.impl.http.ApiException;

/**
 * Bundle life-cycle operations for the REST API, each either done completely or not at all.
 *
 * <p>Every check that can fail runs before the framework is touched (archive validation, duplicate and
 * protection checks). When the framework itself refuses, its message is passed on; an install whose requested
 * start fails is uninstalled again, so an error response always means the set of bundles is unchanged.
 */
public final class BundleOperations {

    /** Location prefix of uploaded bundles. */
    static final String UPLOAD_SCHEME = "upload:";

    private final BundleContext context;
    private final Supplier<Map<Long, String>> protectedBundles;

    /**
     * @param context the console bundle's context
     * @param protectedBundles bundles that must not be stopped, updated or uninstalled here, with the reason
     */
    public BundleOperations(BundleContext context, Supplier<Map<Long, String>> protectedBundles) {
        this.context = context;
        this.protectedBundles = protectedBundles;
    }

    /** The bundle with this id, or 404. */
    public Bundle find(long id) throws ApiException {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw ApiException.notFound("no bundle with id " + id);
        }
        return bundle;
    }

    public FrameworkWiring frameworkWiring() {
        return context.getBundle(0).adapt(FrameworkWiring.class);
    }

    /**
     * Installs the validated archive in {@code file}.
     *
     * @param location the location to record, or {@code null} to derive one from the content and file name
     */
    public Bundle install(Path file, String fileName, String location, boolean start)
            throws ApiException, IOException {
        BundleArchive archive = validate(file);
        if (start && archive.fragment()) {
            throw ApiException.badRequest(archive.symbolicName() + " is a fragment (Fragment-Host): fragments"
                    + " attach to their host and cannot be started; install it without \"start\"");
        }
        for (Bundle existing : context.getBundles()) {
            if (archive.symbolicName().equals(existing.getSymbolicName())
                    && archive.version().equals(existing.getVersion())) {
                throw ApiException.conflict(archive.symbolicName() + " " + archive.version()
                        + " is already installed (bundle " + existing.getBundleId() + ")");
            }
        }
        String effectiveLocation = location != null ? location : uploadLocation(file, fileName, archive);
        Bundle sameLocation = context.getBundle(effectiveLocation);
        if (sameLocation != null) {
            throw ApiException.conflict("a bundle from " + effectiveLocation + " is already installed (bundle "
                    + sameLocation.getBundleId() + "); update that bundle instead");
        }
        Bundle bundle;
        try (InputStream in = Files.newInputStream(file)) {
            bundle = context.installBundle(effectiveLocation, in);
        } catch (BundleException e) {
            int status = e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR ? 409 : 422;
            throw new ApiException(status, "the framework refused to install " + archive.symbolicName() + " "
                    + archive.version() + ": " + describe(e));
        }
        if (start) {
            try {
                bundle.start();
            } catch (BundleException | IllegalStateException e) {
                String rollback = uninstallQuietly(bundle);
                throw new ApiException(422, archive.symbolicName() + " " + archive.version()
                        + " could not be started, " + rollback + ": " + describe(e));
            }
        }
        return bundle;
    }

    public Bundle start(long id) throws ApiException {
        Bundle bundle = find(id);
        refuseFragment(bundle, "started");
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            throw new ApiException(422, "could not start bundle " + id + " (" + bundle.getSymbolicName() + "): "
                    + describe(e));
        }
        return bundle;
    }

    public Bundle stop(long id) throws ApiException {
        Bundle bundle = find(id);
        refuseProtected(bundle, "stop");
        refuseFragment(bundle, "stopped");
        try {
            bundle.stop();
        } catch (BundleException | IllegalStateException e) {
            throw new ApiException(422, "could not stop bundle " + id + " (" + bundle.getSymbolicName() + "): "
                    + describe(e));
        }
        return bundle;
    }

    /**
     * Updates a bundle from {@code file} (validated first, and it must be the same symbolic name), then refreshes
     * it in the background (OSGi Core §10.2.2.3) so bundles wired to the old revision move to the new one.
     */
    public Bundle update(long id, Path file) throws ApiException, IOException {
        Bundle bundle = checkUpdatable(id, true);
        BundleArchive archive = validate(file);
        if (!archive.symbolicName().equals(bundle.getSymbolicName())) {
            throw ApiException.badRequest("the new archive is " + archive.symbolicName() + ", not "
                    + bundle.getSymbolicName() + ": refusing to replace one bundle with another");
        }
        try (InputStream in = Files.newInputStream(file)) {
            bundle.update(in);
        } catch (BundleException | IllegalStateException e) {
            throw new ApiException(422, "could not update bundle " + id + " (" + bundle.getSymbolicName() + "): "
                    + describe(e));
        }
        refreshInBackground(bundle);
        return bundle;
    }

    /**
     * Updates a bundle from its own location. Not through {@link Bundle#update()}: the framework would fetch the
     * URL itself, without our validation, size limit or timeout. The location is downloaded like an install
     * from URL and then goes through {@link #update(long, Path)}.
     */
    public Bundle updateFromLocation(long id, long maxBytes, Duration timeout) throws ApiException, IOException {
        Bundle bundle = checkUpdatable(id, false);
        Path file = BundleDownload.fetch(bundle.getLocation(), maxBytes, timeout, null);
        try {
            return update(id, file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The bundle, if it may be updated: 404 for an unknown id, 409 for a protected bundle, 400 without a new
     * archive when its location is not a {@code file:}, {@code http:} or {@code https:} URL (an {@code upload:}
     * location cannot be read again).
     */
    public Bundle checkUpdatable(long id, boolean withArchive) throws ApiException {
        Bundle bundle = find(id);
        refuseProtected(bundle, "update");
        if (!withArchive && bundle.getLocation().startsWith(UPLOAD_SCHEME)) {
            throw ApiException.badRequest("bundle " + id + " (" + bundle.getSymbolicName() + ") was uploaded, so"
                    + " it has no location to update from: send the new jar (multipart field 'file') or a URL");
        }
        if (!withArchive && !isFetchableLocation(bundle.getLocation())) {
            throw ApiException.badRequest("bundle " + id + " (" + bundle.getSymbolicName() + ") was installed from "
                    + bundle.getLocation() + ", which the console does not update from (only file:, http: and"
                    + " https: locations): send the new jar (multipart field 'file') or a URL");
        }
        return bundle;
    }

    private static boolean isFetchableLocation(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("file:") || lower.startsWith("http:") || lower.startsWith("https:");
    }

    public Bundle uninstall(long id) throws ApiException {
        Bundle bundle = find(id);
        refuseProtected(bundle, "uninstall");
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            throw new ApiException(422, "could not uninstall bundle " + id + " (" + bundle.getSymbolicName()
                    + "): " + describe(e));
        }
        refreshInBackground(bundle);
        return bundle;
    }

    private static BundleArchive validate(Path file) throws ApiException, IOException {
        try {
            return BundleArchiveValidator.validate(file);
        } catch (InvalidBundleException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void refuseProtected(Bundle bundle, String verb) throws ApiException {
        String reason = protectedBundles.get().get(bundle.getBundleId());
        if (reason != null) {
            throw ApiException.conflict("refusing to " + verb + " bundle " + bundle.getBundleId() + " ("
                    + bundle.getSymbolicName() + "): " + reason);
        }
    }

    private static void refuseFragment(Bundle bundle, String participle) throws ApiException {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
            throw ApiException.badRequest("bundle " + bundle.getBundleId() + " (" + bundle.getSymbolicName()
                    + ") is a fragment: fragments attach to their host and are not " + participle);
        }
    }

    private String uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
            refreshInBackground(bundle);
            return "so it was uninstalled again";
        } catch (BundleException | IllegalStateException e) {
            return "and uninstalling it again failed too (" + describe(e) + ")";
        }
    }

    private void refreshInBackground(Bundle bundle) {
        FrameworkWiring wiring = frameworkWiring();
        if (wiring != null) {
            wiring.refreshBundles(List.of(bundle));
        }
    }

    /** The exception's message plus its cause's (an activator's exception carries the real reason). */
    static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        return cause == null ? message : message + " (caused by " + cause + ")";
    }

    /**
     * {@code upload:<first 16 hex digits of SHA-256>/<file name>}: a new location per distinct content, so
     * two uploads never collide on location (the framework would silently return the old bundle).
     */
    static String uploadLocation(Path file, String fileName, BundleArchive archive) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha256.update(buffer, 0, n);
            }
        }
        String base = fileName == null ? "" : fileName.substring(Math.max(fileName.lastIndexOf('/'),
                fileName.lastIndexOf('\\')) + 1);
        String name = base.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.length() > 100) {
            name = name.substring(name.length() - 100);
        }
        if (name.isEmpty() || name.chars().allMatch(c -> c == '.')) {
            name = archive.symbolicName() + "-" + archive.version() + ".jar";
        }
        return UPLOAD_SCHEME + HexFormat.of().formatHex(sha256.digest(), 0, 8) + "/" + name;
    }
}
