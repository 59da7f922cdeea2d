package dev.margincall.chain;

import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.function.Function;

/** Times every call of one endpoint, tagged by method and outcome. */
public final class MeteredEthRpc extends ForwardingEthRpc {

    private final EthRpc delegate;
    private final MeterRegistry registry;

    public MeteredEthRpc(EthRpc delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    @Override
    protected <T> T invoke(String rpcMethod, Function<EthRpc, T> call) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "ok";
        try {
            return call.apply(delegate);
        } catch (RuntimeException e) {
            outcome = RpcErrors.classify(e).name().toLowerCase(Locale.ROOT);
            throw e;
        } finally {
            sample.stop(Timer.builder(MetricNames.RPC_REQUESTS)
                    .tag("endpoint", delegate.endpointName())
                    .tag("method", rpcMethod)
                    .tag("outcome", outcome)
                    .register(registry));
        }
    }

    @Override
    public String endpointName() {
        return delegate.endpointName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
