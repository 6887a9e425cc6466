package org.veilswarm.tracker.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

import org.veilswarm.api.tracker.TrackerStore;

/**
 * A {@link TrackerStore} that forwards every call to the store service bound at the time of the call, for
 * long-lived users (mirrors) of a store that may be replaced at run time. While none is bound, calls fail
 * with an {@link IllegalStateException}, which a mirror reports and retries.
 */
final class CurrentStore {
    private CurrentStore() {
    }

    static TrackerStore following(Supplier<TrackerStore> current) {
        return (TrackerStore) Proxy.newProxyInstance(TrackerStore.class.getClassLoader(),
                new Class<?>[] {TrackerStore.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "store following the bound TrackerStore service";
                        };
                    }
                    TrackerStore store = current.get();
                    if (store == null) {
                        throw new IllegalStateException("no tracker store is bound");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
