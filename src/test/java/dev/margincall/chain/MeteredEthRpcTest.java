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
}
