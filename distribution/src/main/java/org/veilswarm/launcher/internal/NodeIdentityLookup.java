package org.veilswarm.launcher.internal;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Reads the node's onion address from the {@code org.veilswarm.api.node.NodeIdentity} service. The
 * launcher's class loader does not share the API package with the framework (only the system bundle's
 * exports are shared), so the address is read by name through reflection, via the interface method.
 */
public final class NodeIdentityLookup {

    public static final String SERVICE = "org.veilswarm.api.node.NodeIdentity";

    private NodeIdentityLookup() {
    }

    public static Optional<String> address(BundleContext system, Duration timeout) {
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(system, system.createFilter("(objectClass=" + SERVICE + ")"), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        tracker.open(true);
        try {
            Object identity = tracker.waitForService(Math.max(1, timeout.toMillis()));
            if (identity == null) {
                return Optional.empty();
            }
            Method address = interfaceMethod(identity.getClass(), "address");
            return Optional.of(String.valueOf(address.invoke(identity)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(SERVICE + " has no usable address() method: " + e, e);
        } finally {
            tracker.close();
        }
    }

    private static Method interfaceMethod(Class<?> type, String name) throws NoSuchMethodException {
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            todo.add(c);
        }
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (c.isInterface() && c.getName().equals(SERVICE)) {
                return c.getMethod(name);
            }
            todo.addAll(java.util.List.of(c.getInterfaces()));
        }
        throw new NoSuchMethodException(type.getName() + " does not implement " + SERVICE);
    }
}
