package dev.margincall.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredEthRpcTest {

    @Test
    void oneTimerPerMethodAndOutcomeCountsEveryCall() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MeteredEthRpc rpc = new MeteredEthRpc(Multicall3Test.answering(List.of()), registry);
        for (int i = 0; i < 3; i++) {
            rpc.call(CallRequest.call(Multicall3.CANONICAL, "0x"), BlockTag.LATEST);
        }
        assertThatThrownBy(() -> rpc.code(Multicall3.CANONICAL, BlockTag.LATEST)).isInstanceOf(UnsupportedOperationException.class);

        List<Timer> timers = registry.find(MetricNames.RPC_REQUESTS).timers().stream().toList();
        assertThat(timers).hasSize(2);
        Timer calls = registry.find(MetricNames.RPC_REQUESTS).tag("method", "eth_call").tag("outcome", "ok").tag("endpoint", "fake://rpc").timer();
        assertThat(calls).isNotNull();
        assertThat(calls.count()).isEqualTo(3);
    }

    @Test
    void aBatchIsOneRequestAndAsManyJsonRpcCalls() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EthRpc batching = (EthRpc) java.lang.reflect.Proxy.newProxyInstance(EthRpc.class.getClassLoader(), new Class<?>[] {EthRpc.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "calls" -> ((List<?>) args[0]).stream().map(r -> "0x").toList();
                    case "call" -> "0x";
                    case "endpointName" -> "fake://rpc";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        MeteredEthRpc rpc = new MeteredEthRpc(batching, registry);
        CallRequest request = CallRequest.call(Multicall3.CANONICAL, "0x");
        rpc.calls(List.of(request, request, request, request), BlockTag.LATEST);
        rpc.call(request, BlockTag.LATEST);

        assertThat(registry.find(MetricNames.RPC_REQUESTS).tag("method", "eth_call").timer().count()).isEqualTo(2);
        assertThat(registry.find(MetricNames.RPC_CALLS).tag("method", "eth_call").counter().count()).isEqualTo(5);
    }
}
