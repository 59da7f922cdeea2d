package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.TinyContracts;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.LocalChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulator on a real Anvil: one eth_simulateV1 bundle where the node has it, eth_call +
 * eth_estimateGas per transaction where it does not (a proxy answers "method not found"), with the
 * same verdicts; the liquidation calls are stand-ins (a counter and a contract that always reverts),
 * since only what the node answers is under test here.
 */
class LiquidationSimulatorIT {

    @RegisterExtension
    static final LocalChain LOCAL = new LocalChain();

    private static final Address KEEPER = Address.of("0xa0Ee7A142d267C1f36714E4a8F75612F20a79720");
    private static final Address COUNTER = Address.of("0x2000000000000000000000000000000000000001");
    private static final Address REVERTER = Address.of("0x2000000000000000000000000000000000000002");
    /** Reverts with a custom error the catalog below names (Aave's, without parameters). */
    private static final Address NAMED_REVERTER = Address.of("0x2000000000000000000000000000000000000003");
    private static final String NAMED_ERROR = "HealthFactorNotBelowThreshold()";
    private static final int MARGIN_PCT = 25;

    private static BlockHeader head;

    @BeforeAll
    static void contracts() {
        Web3jDevChain chain = LOCAL.chain();
        chain.setCode(COUNTER, TinyContracts.COUNTER);
        chain.setCode(REVERTER, TinyContracts.REVERTER);
        chain.setCode(NAMED_REVERTER, TinyContracts.revertingWith(Abi.selector(NAMED_ERROR)));
        chain.mine();
        head = chain.block(BlockTag.LATEST);
    }

    private static List<Submission> batch() {
        return List.of(standIn(COUNTER), standIn(REVERTER), standIn(COUNTER));
    }

    /** Only {@code to} and {@code data} reach the node; the plan is not needed to simulate. */
    private static Submission standIn(Address to) {
        return Submission.single(new Liquidation(null, to, "0x", BigInteger.ZERO, BigInteger.ZERO));
    }

    @Test
    void aBundleGivesEachTransactionItsGasAndReportsTheRevert() {
        try (LiquidationSimulator simulator = new LiquidationSimulator(LOCAL.chain(), KEEPER, MARGIN_PCT)) {
            List<String> failures = new ArrayList<>();
            List<Optional<LiquidationSimulator.Simulated>> results = simulator.simulate(batch(), head.timestamp() + 1,
                    (l, reason) -> failures.add(l.to() + ": " + reason));

            assertThat(results.get(1)).isEmpty();
            assertThat(failures).singleElement().asString().startsWith(REVERTER.toString()).contains("deadbeef");
            LiquidationSimulator.Simulated first = results.get(0).orElseThrow();
            LiquidationSimulator.Simulated third = results.get(2).orElseThrow();
            // the first increment writes a fresh slot, the third finds it written by the first: cheaper
            assertThat(third.gasUsed()).isLessThan(first.gasUsed());
            assertThat(first.gasLimit()).isEqualTo(first.gasUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4))
                    .multiply(BigInteger.valueOf(100 + MARGIN_PCT)).divide(BigInteger.valueOf(100)));
        }
    }

    @Test
    void withoutSimulateV1EachTransactionIsCalledAndEstimatedAndTheBundleIsNotAskedAgain() throws Exception {
        try (FaultProxy proxy = new FaultProxy(LOCAL.anvil().rpcUrl()).withoutMethod("eth_simulateV1");
             Web3jEthRpc rpc = new Web3jEthRpc(proxy.url());
             LiquidationSimulator simulator = new LiquidationSimulator(rpc, KEEPER, MARGIN_PCT)) {
            List<String> failures = new ArrayList<>();
            List<Optional<LiquidationSimulator.Simulated>> results = simulator.simulate(batch(), head.timestamp() + 1,
                    (l, reason) -> failures.add(l.to() + ": " + reason));
            simulator.simulate(List.of(standIn(COUNTER)), head.timestamp() + 1, (l, reason) -> failures.add(reason));

            assertThat(results.get(1)).isEmpty();
            assertThat(failures).singleElement().asString().startsWith(REVERTER.toString()).contains("deadbeef");
            BigInteger estimate = LOCAL.chain().estimateGas(new CallRequest(KEEPER, COUNTER, "0x", BigInteger.ZERO, null));
            // each on the latest state: both increments cost what a fresh slot costs, as estimated
            assertThat(results.get(0).orElseThrow().gasUsed()).isEqualTo(estimate);
            assertThat(results.get(2).orElseThrow().gasUsed()).isEqualTo(estimate);
            assertThat(results.get(0).orElseThrow().gasLimit())
                    .isEqualTo(estimate.multiply(BigInteger.valueOf(100 + MARGIN_PCT)).divide(BigInteger.valueOf(100)));
            assertThat(proxy.forwarded("eth_simulateV1")).isEqualTo(1);
            assertThat(proxy.forwarded("eth_estimateGas")).isEqualTo(3); // 2 of the batch + 1 of the second call
        }
    }

    /** A failure is named from the markets' catalog whichever way the node simulates (the fallback reported the bare selector). */
    @ParameterizedTest(name = "eth_simulateV1 available: {0}")
    @ValueSource(booleans = {true, false})
    void aRevertIsNamedFromTheCatalogWithAndWithoutSimulateV1(boolean simulateV1) throws Exception {
        try (FaultProxy proxy = simulateV1 ? new FaultProxy(LOCAL.anvil().rpcUrl()) : new FaultProxy(LOCAL.anvil().rpcUrl()).withoutMethod("eth_simulateV1");
             Web3jEthRpc rpc = new Web3jEthRpc(proxy.url());
             LiquidationSimulator simulator = new LiquidationSimulator(rpc, KEEPER, MARGIN_PCT, List.of(), ErrorCatalog.customErrors(NAMED_ERROR))) {
            List<String> failures = new ArrayList<>();
            simulator.simulate(List.of(standIn(COUNTER), standIn(NAMED_REVERTER)), head.timestamp() + 1, (l, reason) -> failures.add(reason));

            assertThat(failures).singleElement().asString().contains("HealthFactorNotBelowThreshold");
            assertThat(proxy.forwarded("eth_estimateGas")).isEqualTo(simulateV1 ? 0 : 1);
        }
    }
}
