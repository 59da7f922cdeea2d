package dev.margincall.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.abi.RevertReason;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.LocalChain;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code eth_simulateV1} through our adapter against a real Anvil: chained state, timestamps, reverts, gas as mined. */
class SimulateBundleIT {

    @RegisterExtension
    static final LocalChain LOCAL = new LocalChain();

    /** Anvil's public test account #0. */
    private static final Address SENDER = Address.of("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    private static final Address COUNTER = Address.of("0x1000000000000000000000000000000000000001");
    private static final Address CLOCK = Address.of("0x1000000000000000000000000000000000000002");
    private static final Address REVERTER = Address.of("0x1000000000000000000000000000000000000003");

    private static Web3jDevChain chain;

    @BeforeAll
    static void contracts() {
        chain = LOCAL.chain();
        chain.setCode(COUNTER, TinyContracts.COUNTER);
        chain.setCode(CLOCK, TinyContracts.CLOCK);
        chain.setCode(REVERTER, TinyContracts.REVERTER);
        chain.mine();
    }

    private static CallRequest call(Address to) {
        return new CallRequest(SENDER, to, "0x", BigInteger.ZERO, BigInteger.valueOf(200_000));
    }

    @Test
    void eachTransactionSeesTheStateTheEarlierOnesLeftAndAFailureLeavesNone() {
        BigInteger first = Hex.toBigInteger(chain.call(call(COUNTER), BlockTag.LATEST)); // what one increment returns now
        List<SimulatedCall> results = chain.simulate(List.of(call(COUNTER), call(REVERTER), call(COUNTER), call(COUNTER)), BlockTag.LATEST, 0);

        assertThat(results).hasSize(4);
        assertThat(results.get(0).success()).isTrue();
        assertThat(Hex.toBigInteger(results.get(0).returnData())).isEqualTo(first);
        assertThat(results.get(1).success()).isFalse();
        assertThat(results.get(1).revertData()).isEqualTo("0xdeadbeef");
        assertThat(RevertReason.decode(results.get(1).revertData())).contains("deadbeef");
        assertThat(Hex.toBigInteger(results.get(2).returnData())).isEqualTo(first.add(BigInteger.ONE));
        assertThat(Hex.toBigInteger(results.get(3).returnData())).isEqualTo(first.add(BigInteger.TWO));
        // a simulation writes nothing to the chain
        assertThat(Hex.toBigInteger(chain.call(call(COUNTER), BlockTag.LATEST))).isEqualTo(first);
    }

    @Test
    void theSimulatedBlockCarriesTheTimestampAsked() {
        long next = chain.block(BlockTag.LATEST).timestamp() + 12;
        SimulatedCall clock = chain.simulate(List.of(call(CLOCK)), BlockTag.LATEST, next).get(0);
        assertThat(Hex.toBigInteger(clock.returnData())).isEqualTo(BigInteger.valueOf(next));
    }

    @Test
    void gasUsedIsWhatTheMinedTransactionUses() {
        SimulatedCall simulated = chain.simulate(List.of(call(COUNTER)), BlockTag.LATEST, 0).get(0);
        chain.setAutoImpersonate(true);
        String hash = chain.sendTransaction(call(COUNTER));
        chain.mine();
        TransactionReceipt receipt = chain.receipt(hash).orElseThrow();
        assertThat(receipt.success()).isTrue();
        assertThat(simulated.gasUsed()).isEqualTo(receipt.gasUsed());
    }
}
