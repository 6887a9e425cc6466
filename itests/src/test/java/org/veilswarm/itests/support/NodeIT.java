package org.veilswarm.itests.support;

import java.io.IOException;

import javax.inject.Inject;

import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.osgi.framework.BundleContext;

/**
 * What every Pax Exam test of a whole node shares: the container holds exactly the distribution's features,
 * and before each test the features' configurations are applied. Subclasses add
 * {@code @RunWith(PaxExam.class)} and {@code @ExamReactorStrategy}.
 */
public abstract class NodeIT {

    @Inject
    protected BundleContext context;

    protected NodeContext node;

    @Configuration
    public Option[] config() {
        return VeilswarmOptions.distribution(getClass());
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return VeilswarmOptions.probe(probe);
    }

    /** Runs before the subclass's own {@code @Before} methods (JUnit 4 orders superclass first). */
    @Before
    public void startNode() throws IOException {
        node = new NodeContext(context);
        node.applyFeatureConfigurations();
    }
}
