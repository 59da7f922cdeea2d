package dev.margincall.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.LocalChain;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two endpoints (fault proxies) in front of one real Anvil: retries, failover, recovery, staleness. */
class ResilientEthRpcIT {

    @RegisterExtension
    static final LocalChain LOCAL = new LocalChain();
    private static Web3jDevChain dev;
    private static AnvilProcess anvil;
    private static final Address REVERTER = Address.of("0x00000000000000000000000000000000000000aa");

    private FaultProxy first;
    private FaultProxy second;
    private SimpleMeterRegistry registry;
    private ResilientEthRpc rpc;

    @BeforeAll
    static void startChain() {
        anvil = LOCAL.anvil();
        dev = LOCAL.chain();
        for (int i = 0; i < 30; i++) {
            dev.mine();
        }
        dev.setCode(REVERTER, "0x60006000fd"); // PUSH1 0 PUSH1 0 REVERT
    }

    @BeforeEach
    void connect() throws Exception {
        first = new FaultProxy(anvil.rpcUrl());
        second = new FaultProxy(anvil.rpcUrl());
        registry = new SimpleMeterRegistry();
        RpcPolicy policy = RpcPolicy.defaults()
                .withBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
                .withBreaker(50, 10, Duration.ofMillis(400));
        rpc = new ResilientEthRpc(List.of(
                new MeteredEthRpc(new Web3jEthRpc(first.url(), Duration.ofMillis(800)), registry),
                new MeteredEthRpc(new Web3jEthRpc(second.url(), Duration.ofMillis(800)), registry)), policy, registry);
    }

    @AfterEach
    void disconnect() {
        rpc.close();
        first.close();
        second.close();
    }

    @Test
    void transientFailuresAreRetriedOnTheSameEndpointAndCounted() {
        first.failNext(1, FaultProxy.Fault.HTTP_429).failNext(1, FaultProxy.Fault.HTTP_500).failNext(1, FaultProxy.Fault.TRUNCATED_JSON);
        assertThat(rpc.blockNumber()).isEqualTo(dev.blockNumber());
        assertThat(first.faultsServed()).isEqualTo(3);
        assertThat(second.received()).isZero();
        assertThat(retries(first)).isEqualTo(3.0);
        assertThat(registry.find(MetricNames.RPC_REQUESTS).tag("outcome", "rate_limited").timer().count()).isEqualTo(1);
        assertThat(registry.find(MetricNames.RPC_REQUESTS).tag("outcome", "ok").timer().count()).isEqualTo(1);
    }

    @Test
    void aTimeoutAndAProviderRateLimitErrorAreRetried() {
        first.timeoutDelay(Duration.ofSeconds(2)).failNext(1, FaultProxy.Fault.TIMEOUT).failNext(1, FaultProxy.Fault.RATE_LIMIT_ERROR);
        assertThat(rpc.chainId()).isEqualTo(31337);
        assertThat(retries(first)).isEqualTo(2.0);
        assertThat(second.received()).isZero();
    }

    @Test
    void callsIssuedTogetherTravelInOneBatch() {
        Address multicall = Address.of("0x00000000000000000000000000000000000000bb");
        dev.setCode(multicall, dev.code(REVERTER, BlockTag.LATEST).replace("fd", "f3")); // PUSH1 0 PUSH1 0 RETURN: empty answer
        List<CallRequest> requests = java.util.stream.IntStream.range(0, 50).mapToObj(i -> CallRequest.call(multicall, "0x")).toList();
        int before = first.received();
        assertThat(rpc.calls(requests, BlockTag.LATEST)).hasSize(50).allSatisfy(answer -> assertThat(answer).isEqualTo("0x"));
        assertThat(first.received() - before).as("HTTP requests").isEqualTo(1);
        assertThat(first.forwarded("eth_call")).isEqualTo(50);
    }

    @Test
    void aRevertIsAnAnswerNotAFailure() {
        assertThatThrownBy(() -> rpc.call(CallRequest.call(REVERTER, "0x"), BlockTag.LATEST)).isInstanceOf(CallRevertedException.class);
        assertThat(first.forwarded("eth_call")).isEqualTo(1);
        assertThat(second.received()).isZero();
        assertThat(retries(first)).isZero();
    }

    @Test
    void tooLargeALogRangeIsThrownAtOnceForTheCallerToSplit() {
        first.limitLogRange(10);
        assertThatThrownBy(() -> rpc.logs(new LogFilter(0, 25, List.of(), List.of())))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(RpcErrors.classify(e)).isEqualTo(RpcErrorKind.RANGE_TOO_LARGE));
        assertThat(second.received()).isZero();
        assertThat(rpc.logs(new LogFilter(0, 9, List.of(), List.of()))).isEmpty();
    }

    @Test
    void aDeadEndpointIsFailedOverThenSkippedByItsBreakerAndUsedAgainWhenItRecovers() {
        long head = dev.blockNumber();
        first.setDown(true);
        for (int i = 0; i < 10; i++) {
            assertThat(rpc.blockNumber()).isEqualTo(head);
        }
        assertThat(second.forwarded("eth_blockNumber")).isEqualTo(10);
        assertThat(registry.find(MetricNames.RPC_FAILOVERS).counter().count()).isPositive();
        assertThat(registry.find(MetricNames.RPC_CIRCUIT_STATE).tag("endpoint", new Web3jEthRpc(first.url()).endpointName()).gauge().value())
                .as("breaker of the dead endpoint").isEqualTo(1.0);
        int hitsWhileOpen = first.received();
        for (int i = 0; i < 5; i++) {
            rpc.blockNumber();
        }
        assertThat(first.received()).as("an open breaker keeps calls away from the dead endpoint").isEqualTo(hitsWhileOpen);

        first.setDown(false);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            rpc.blockNumber();
            assertThat(first.forwarded("eth_blockNumber")).as("calls return to the preferred endpoint").isPositive();
        });
    }

    @Test
    void anEndpointWhoseHeadLagsIsNotUsedForReads() {
        first.lagHead(20);
        rpc.refreshHeads();
        assertThat(rpc.healthyEndpoints()).containsExactly(new Web3jEthRpc(second.url()).endpointName());
        int before = first.forwarded("eth_chainId");
        rpc.chainId();
        assertThat(first.forwarded("eth_chainId")).isEqualTo(before);
        assertThat(second.forwarded("eth_chainId")).isEqualTo(1);
        assertThat(registry.find(MetricNames.RPC_ENDPOINT_LAG).tag("endpoint", new Web3jEthRpc(first.url()).endpointName()).gauge().value())
                .isEqualTo(20.0);

        first.lagHead(0);
        rpc.refreshHeads();
        assertThat(rpc.healthyEndpoints()).hasSize(2);
    }

    private double retries(FaultProxy proxy) {
        var counter = registry.find(MetricNames.RPC_RETRIES).tag("endpoint", new Web3jEthRpc(proxy.url()).endpointName()).counter();
        return counter == null ? 0 : counter.count();
    }
}
