package org.veilswarm.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.veilswarm.itests.fixture.TransportConsumer;

/** Jars built by the tests: tiny valid bundles, and the bad inputs an install endpoint must reject. */
public final class BundleJars {
    private BundleJars() {
    }

    /**
     * A valid bundle with no code: Bundle-ManifestVersion 2 (OSGi Core R8 §3.2.1.11), a symbolic name and a
     * version, plus {@code extraHeaders} and {@code entries}.
     */
    public static byte[] bundle(String symbolicName, String version, Map<String, String> extraHeaders,
            Map<String, byte[]> entries) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Name", "Veilswarm itests fixture " + symbolicName);
        extraHeaders.forEach(main::putValue);
        return jar(manifest, entries);
    }

    /** A valid bundle with no code and no imports. */
    public static byte[] bundle(String symbolicName, String version) {
        return bundle(symbolicName, version, Map.of(), Map.of("readme.txt",
                ("fixture bundle " + symbolicName + " built by the Veilswarm integration tests\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** A well-formed jar whose manifest carries no OSGi headers at all: not a bundle. */
    public static byte[] plainJar() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Created-By", "Veilswarm itests");
        return jar(manifest, Map.of("hello.txt", "not a bundle\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** A well-formed zip without META-INF/MANIFEST.MF. */
    public static byte[] zipWithoutManifest() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("no manifest here\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A valid bundle cut in half: the zip's central directory is gone. */
    public static byte[] corruptJar() {
        byte[] good = bundle("org.veilswarm.itests.corrupt", "1.0.0");
        return Arrays.copyOf(good, good.length / 2);
    }

    /**
     * The {@link TransportConsumer} bundle: the class (copied from this test's classes) and a DS 1.3 component
     * description written here, so that the test states exactly which reference policy it exercises.
     */
    public static byte[] transportConsumer() {
        String className = TransportConsumer.class.getName();
        String classFile = className.replace('.', '/') + ".class";
        byte[] classBytes;
        try (InputStream in = TransportConsumer.class.getClassLoader().getResourceAsStream(classFile)) {
            if (in == null) {
                throw new IllegalStateException(classFile + " not found next to the tests");
            }
            classBytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="org.veilswarm.itests.TransportConsumer"
                    immediate="true" activate="activate" deactivate="deactivate">
                  <implementation class="%s"/>
                  <reference name="recorder" interface="java.util.function.BiConsumer" cardinality="1..1" policy="static"
                      target="(veilswarm.itests.recorder=transport)" bind="setRecorder"/>
                  <reference name="transports" interface="org.veilswarm.api.transport.Transport" cardinality="0..n"
                      policy="dynamic" policy-option="greedy"
                      bind="bindTransport" updated="updatedTransport" unbind="unbindTransport"/>
                </scr:component>
                """.formatted(className);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Import-Package", "org.veilswarm.api.transport;version=\"[1.0,2)\"");
        headers.put("Service-Component", "OSGI-INF/transport-consumer.xml");
        headers.put("Require-Capability",
                "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))\"");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(classFile, classBytes);
        entries.put("OSGI-INF/transport-consumer.xml", component.getBytes(StandardCharsets.UTF_8));
        return bundle("org.veilswarm.itests.transport-consumer", "1.0.0", headers, entries);
    }

    /** Writes {@code content} to {@code dir/name}. */
    public static Path write(Path dir, String name, byte[] content) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] jar(Manifest manifest, Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
