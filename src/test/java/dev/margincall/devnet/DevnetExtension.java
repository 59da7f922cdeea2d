package dev.margincall.devnet;

import dev.margincall.chain.DevChain;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts the devnet of a {@link WithDevnet} class on first use and closes it after the class; reverts each test if asked. */
public final class DevnetExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DevnetExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Devnet.class || type == Deployment.class || type == DevChain.class || type == ChainNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Devnet devnet = devnet(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == Devnet.class) {
            return devnet;
        }
        if (type == Deployment.class) {
            return devnet.deployment();
        }
        if (type == DevChain.class) {
            return devnet.chain();
        }
        if (type == ChainNode.class) {
            return devnet.node();
        }
        throw new ParameterResolutionException("cannot inject " + type);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (revertsEachTest(context)) {
            context.getStore(NAMESPACE).put("snapshot", devnet(context).chain().snapshot());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String snapshot = context.getStore(NAMESPACE).remove("snapshot", String.class);
        if (snapshot != null) {
            DevChain chain = devnet(context).chain();
            chain.setIntervalMining(0);
            chain.setAutomine(true);
            if (!chain.revert(snapshot)) {
                throw new IllegalStateException("the devnet could not revert to the snapshot taken before the test");
            }
        }
    }

    private static boolean revertsEachTest(ExtensionContext context) {
        WithDevnet settings = classContext(context).getRequiredTestClass().getAnnotation(WithDevnet.class);
        return settings != null && settings.revertEachTest();
    }

    /** The class's context: a test method's parent, or a parameterized test's invocation's grandparent. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext;
    }

    private static Devnet devnet(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        Class<?> testClass = classContext.getRequiredTestClass();
        WithDevnet settings = testClass.getAnnotation(WithDevnet.class);
        int borrowers = settings == null ? 0 : settings.borrowers();
        long seed = settings == null ? 1 : settings.seed();
        int markets = settings == null ? 1 : settings.markets();
        AaveVersion aave = settings == null ? AaveVersion.DEFAULT : AaveVersion.parse(settings.aave());
        java.util.Set<DevnetProtocol> protocols = DevnetProtocol.parseList(settings == null ? "aave-v3" : settings.protocols());
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("devnet",
                key -> new ClosingDevnet(Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), borrowers, seed, markets, aave, protocols)),
                ClosingDevnet.class).devnet();
    }

    /** The store closes AutoCloseable values when the class's context ends, whatever the outcome. */
    record ClosingDevnet(Devnet devnet) implements AutoCloseable {
        @Override
        public void close() {
            devnet.close();
        }
    }
}
