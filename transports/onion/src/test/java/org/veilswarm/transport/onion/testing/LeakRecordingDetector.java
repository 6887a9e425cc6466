package org.veilswarm.transport.onion.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, made to remember what it reports so that {@link LeakCheck} can fail the test
 * that leaked. Installed for the whole test JVM through {@code -Dio.netty.customResourceLeakDetector}
 * (see the surefire configuration in this module's pom).
 */
public final class LeakRecordingDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new ArrayList<>();

    public LeakRecordingDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record(resourceType + " leaked (no records)");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    /** Leaks reported since the last call. */
    static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    /** Whether this detector is the one Netty uses (else a leak check would prove nothing). */
    static boolean installed() {
        return LeakRecordingDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }
}
