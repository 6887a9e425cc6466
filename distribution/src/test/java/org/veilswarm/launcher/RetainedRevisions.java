package org.veilswarm.launcher;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;

/**
 * What keeps a retired bundle revision, for the message of a failed {@link RetiredRevisionTest}: the Veilswarm
 * bundles' class loaders are remembered before each update, and on failure the retired ones still alive are named,
 * with the shortest chain of fields from a live thread to one of them. An intermittent failure is then explained by
 * the log of the run that had it (session 19: a directory upload whose connect Netty never reported, kept by the
 * JDK's timeout thread). Fields of the JDK's classes are read through the {@code --add-opens} of the module's
 * surefire configuration; where one is not opened the search goes around it.
 */
final class RetainedRevisions {
    private static final int MAX_OBJECTS = 3_000_000;

    private record Loader(String name, WeakReference<ClassLoader> loader) {
    }

    private final List<Loader> loaders = new ArrayList<>();

    /** Remembers the class loaders of the Veilswarm bundles' current revisions, as of {@code update}. */
    void remember(BundleContext context, int update) {
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            String name = b.getSymbolicName(); // null for a bundle without Bundle-SymbolicName
            boolean ours = name != null && name.startsWith("org.veilswarm.");
            if (ours && wiring != null && wiring.getClassLoader() != null) {
                remember(name + " before update " + (update + 1), wiring.getClassLoader());
            }
        }
    }

    void remember(String name, ClassLoader loader) {
        loaders.add(new Loader(name, new WeakReference<>(loader)));
    }

    /** The retired revisions still alive and, for each live thread that reaches one of them, the chain to it. */
    String explain(BundleContext context) {
        List<ClassLoader> current = new ArrayList<>();
        ClassLoader nettyBuffer = null;
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring != null) {
                current.add(wiring.getClassLoader());
                if ("io.netty.buffer".equals(b.getSymbolicName())) {
                    nettyBuffer = wiring.getClassLoader();
                }
            }
        }
        return explain(current) + (nettyBuffer == null ? "" : leakRecords(nettyBuffer));
    }

    /**
     * Netty's leak detector keeps, in a static set, a stack-trace record of every buffer it tracks (1 in 128 by
     * default) until the buffer is released, and a stack trace keeps the classes of its frames alive: a holder no
     * field walk from a thread sees. Names the records whose stacks pass through Veilswarm code.
     */
    private static String leakRecords(ClassLoader nettyBuffer) {
        StringBuilder s = new StringBuilder();
        try {
            java.lang.reflect.Field detectorField = Class.forName("io.netty.buffer.AbstractByteBuf", false, nettyBuffer)
                    .getDeclaredField("leakDetector");
            detectorField.setAccessible(true);
            Object detector = detectorField.get(null);
            java.lang.reflect.Field allLeaksField = detector.getClass().getDeclaredField("allLeaks");
            allLeaksField.setAccessible(true);
            int ours = 0;
            java.util.Set<?> all = (java.util.Set<?>) allLeaksField.get(detector);
            for (Object leak : all.toArray()) {
                java.lang.reflect.Field head = leak.getClass().getDeclaredField("head");
                head.setAccessible(true);
                Object record = head.get(leak);
                if (!(record instanceof Throwable t)) {
                    continue;
                }
                List<String> frames = new ArrayList<>();
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getClassName().startsWith("org.veilswarm.")) {
                        frames.add(e.getClassName() + "." + e.getMethodName());
                    }
                }
                if (!frames.isEmpty() && ours++ < 5) {
                    s.append("\nNetty leak record of a buffer not yet released, allocated through ").append(frames);
                }
            }
            s.append("\nNetty leak records: ").append(all.size()).append(", through Veilswarm code: ").append(ours);
        } catch (ReflectiveOperationException | RuntimeException e) {
            s.append("\n(Netty's leak records not read: ").append(e).append(')');
        }
        return s.toString();
    }

    /** The same, where the loaders in {@code current} are not retired. */
    String explain(List<ClassLoader> current) {
        Map<ClassLoader, String> retired = new IdentityHashMap<>();
        for (Loader l : loaders) {
            ClassLoader loader = l.loader().get();
            if (loader != null) {
                retired.putIfAbsent(loader, l.name());
            }
        }
        current.forEach(retired::remove);
        StringBuilder s = new StringBuilder("\nretired revisions alive: ").append(retired.values());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String chain = chain(t, retired);
            if (chain != null) {
                s.append("\nheld through thread \"").append(t.getName()).append("\": ").append(chain);
            }
        }
        return s.toString();
    }

    /** Breadth first over instance fields from {@code root} to an object, class or loader of a retired revision. */
    private static String chain(Object root, Map<ClassLoader, String> retired) {
        Map<Object, Object[]> parent = new IdentityHashMap<>();
        ArrayDeque<Object> queue = new ArrayDeque<>();
        parent.put(root, new Object[] {null, "thread"});
        queue.add(root);
        Set<Class<?>> unreadable = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (int visited = 0; !queue.isEmpty() && visited < MAX_OBJECTS; visited++) {
            Object o = queue.poll();
            ClassLoader loader = o instanceof ClassLoader c ? c
                    : o instanceof Class<?> k ? k.getClassLoader() : o.getClass().getClassLoader();
            if (loader != null && retired.containsKey(loader)) {
                StringBuilder s = new StringBuilder(describe(o)).append(" of ").append(retired.get(loader));
                for (Object[] p = parent.get(o); p[0] != null; p = parent.get(p[0])) {
                    s.append(" <- ").append(p[1]).append(" of ").append(describe(p[0]));
                }
                return s.toString();
            }
            if (o instanceof Class<?> || o instanceof ThreadGroup) {
                continue; // no statics (too wide), and no thread group: each thread's own chain, not its siblings'
            }
            Class<?> k = o.getClass();
            if (k.isArray()) {
                if (!k.getComponentType().isPrimitive()) {
                    for (int i = 0, n = Array.getLength(o); i < n; i++) {
                        enqueue(parent, queue, o, Array.get(o, i), "[" + i + "]");
                    }
                }
                continue;
            }
            enqueue(parent, queue, o, k, "its class");
            for (Class<?> c = k; c != null; c = c.getSuperclass()) {
                if (!unreadable.contains(c)) {
                    follow(o, c, parent, queue, unreadable);
                }
            }
        }
        return null;
    }

    private static void follow(Object o, Class<?> c, Map<Object, Object[]> parent, ArrayDeque<Object> queue,
            Set<Class<?>> unreadable) {
        try {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()
                        || (c == Reference.class && f.getName().equals("referent"))) {
                    continue; // a weak or soft referent keeps nothing
                }
                f.setAccessible(true);
                enqueue(parent, queue, o, f.get(o), f.getName());
            }
        } catch (RuntimeException | IllegalAccessException | LinkageError notOpenedOrNotLinked) {
            unreadable.add(c); // a package not opened to us, or a field type its loader cannot find
        }
    }

    private static String describe(Object o) {
        return o instanceof Class<?> k ? "class " + k.getName()
                : o instanceof Thread t ? "thread \"" + t.getName() + "\"" : o.getClass().getName();
    }

    private static void enqueue(Map<Object, Object[]> parent, ArrayDeque<Object> queue, Object from, Object to,
            String field) {
        if (to != null && !parent.containsKey(to)) {
            parent.put(to, new Object[] {from, field});
            queue.add(to);
        }
    }
}
