package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.TinyContracts;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.LocalChain;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The submitter's sends on a real Anvil, with stand-in liquidations (calls to a counter contract: the
 * node's answers are under test, not a protocol): a block's transactions go out in nonce order, and a
 * send the node refuses in the middle leaves no nonce gap.
 */
class SubmitterIT {

    @RegisterExtension
    static final LocalChain LOCAL = new LocalChain();

    /** Anvil's public test account #9: a test key, never a real one. */
    private static final String KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
    private static final Address COUNTER = Address.of("0x3000000000000000000000000000000000000001");
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    private static TransactionSigner signer;

    @BeforeAll
    static void contract() {
        LOCAL.chain().setCode(COUNTER, TinyContracts.COUNTER);
        signer = TransactionSigner.fromPrivateKey(KEY, "test");
        LOCAL.chain().mine();
    }

    /** Five liquidations of five accounts, worth far more than their gas. */
    private static List<Liquidation> standIns(String tag) {
        return IntStream.range(0, 5).mapToObj(i -> {
            Address account = DevnetDeployer.derivedAddress("margin-call/test/submitter/" + tag + "/" + i);
            LiquidationQuote quote = new LiquidationQuote(account, COUNTER, COUNTER, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO,
                    BigInteger.ONE, BigInteger.ONE, 18, 18, 10_500, BigInteger.ONE);
            LiquidationPlan plan = new LiquidationPlan(new PositionId(new MarketId("aave-v3", "test"), account), Funding.FLASH_LOAN, quote, null,
                    BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO, 100_000,
                    new Valuation(BigInteger.ONE));
            return new Liquidation(plan, COUNTER, "0x", ETHER, BigInteger.ZERO);
        }).toList();
    }

    private static List<Optional<String>> submit(Web3jEthRpc rpc, List<Liquidation> liquidations) {
        return submit(rpc, liquidations, new SubmitEvents() { });
    }

    private static List<Optional<String>> submit(Web3jEthRpc rpc, List<Liquidation> liquidations, SubmitEvents events) {
        Web3jDevChain chain = LOCAL.chain();
        try (Submitter submitter = new Submitter(rpc, signer, signer.address(), FeePolicy.defaults(), Submitter.Settings.defaults(chain.chainId(), false),
                events)) {
            BlockHeader head = chain.block(BlockTag.LATEST);
            return submitter.submitAll(liquidations, head, head.timestamp() + 1);
        }
    }

    private static List<TransactionReceipt> mined(List<Optional<String>> hashes) {
        LOCAL.chain().mine();
        List<TransactionReceipt> receipts = new ArrayList<>();
        for (Optional<String> hash : hashes) {
            hash.ifPresent(h -> receipts.add(LOCAL.chain().receipt(h).orElseThrow(() -> new AssertionError(h + " was not mined"))));
        }
        return receipts;
    }

    @Test
    void aBlocksTransactionsGoOutWithConsecutiveNoncesAndAreAllMined() {
        LOCAL.chain().setBalance(signer.address(), ETHER);
        long before = LOCAL.chain().transactionCount(signer.address(), BlockTag.LATEST);
        List<Optional<String>> hashes = submit(LOCAL.chain(), standIns("happy"));
        assertThat(hashes).allMatch(Optional::isPresent);
        List<TransactionReceipt> receipts = mined(hashes);

        assertThat(receipts).hasSize(5).allMatch(TransactionReceipt::success);
        assertThat(LOCAL.chain().transactionCount(signer.address(), BlockTag.LATEST)).isEqualTo(before + 5);
    }

    @Test
    void aSendRefusedInTheMiddleLeavesNoNonceGap() throws Exception {
        LOCAL.chain().setBalance(signer.address(), ETHER);
        long before = LOCAL.chain().transactionCount(signer.address(), BlockTag.LATEST);
        try (FaultProxy proxy = new FaultProxy(LOCAL.anvil().rpcUrl())
                .refuseOnce("eth_sendRawTransaction", 2, "insufficient funds for gas * price + value");
             Web3jEthRpc rpc = new Web3jEthRpc(proxy.url())) {
            List<Optional<String>> hashes = submit(rpc, standIns("refused"));
            assertThat(proxy.faultsServed()).as("the third send was refused").isEqualTo(1);
            assertThat(hashes.get(2)).as("the refused liquidation (it backs off)").isEmpty();
            assertThat(hashes.stream().filter(Optional::isPresent)).hasSize(4);
            List<TransactionReceipt> receipts = mined(hashes);

            assertThat(receipts).hasSize(4).allMatch(TransactionReceipt::success);
            // the fourth took the refused one's nonce: nothing waits behind a gap
            assertThat(LOCAL.chain().transactionCount(signer.address(), BlockTag.LATEST)).isEqualTo(before + 4);
            assertThat(LOCAL.chain().transactionCount(signer.address(), BlockTag.PENDING)).isEqualTo(before + 4);
        }
    }

    /**
     * After simulating, the five go out as the first alone, then two batches of two ({@link Submitter#sendChunks}). The
     * fourth, first of the last batch, is refused while the fifth, above it, is taken: the fourth's nonce is filled with a
     * cancellation, so the fifth is mined and nothing waits behind a gap.
     */
    @Test
    void aSendRefusedInsideABatchHasItsNonceFilledByACancellation() throws Exception {
        LOCAL.chain().setBalance(signer.address(), ETHER);
        long before = LOCAL.chain().transactionCount(signer.address(), BlockTag.LATEST);
        List<String> cancellations = new ArrayList<>();
        List<Long> cancelledNonces = new ArrayList<>();
        SubmitEvents events = new SubmitEvents() {
            @Override
            public void cancelling(Liquidation liquidation, String hash, long nonce, Fees fees, String why) {
                cancellations.add(hash);
                cancelledNonces.add(nonce);
            }
        };
        try (FaultProxy proxy = new FaultProxy(LOCAL.anvil().rpcUrl())
                .refuseOnce("eth_sendRawTransaction", 3, "insufficient funds for gas * price + value");
             Web3jEthRpc rpc = new Web3jEthRpc(proxy.url())) {
            List<Optional<String>> hashes = submit(rpc, standIns("refused-in-batch"), events);
            assertThat(proxy.faultsServed()).as("the fourth send was refused").isEqualTo(1);
            assertThat(proxy.forwarded("eth_sendRawTransaction")).as("five liquidations and one cancellation reached the proxy").isEqualTo(6);
            assertThat(hashes.get(3)).as("the refused liquidation").isEmpty();
            assertThat(hashes.stream().filter(Optional::isPresent)).hasSize(4);
            assertThat(cancelledNonces).as("its nonce, below the fifth's, is filled").containsExactly(before + 3);
            List<TransactionReceipt> receipts = mined(hashes);

            assertThat(receipts).hasSize(4).allMatch(TransactionReceipt::success);
            assertThat(LOCAL.chain().receipt(cancellations.get(0))).as("the cancellation is mined").hasValueSatisfying(r -> assertThat(r.success()).isTrue());
            assertThat(LOCAL.chain().transactionCount(signer.address(), BlockTag.LATEST)).isEqualTo(before + 5);
            assertThat(LOCAL.chain().transactionCount(signer.address(), BlockTag.PENDING)).isEqualTo(before + 5);
        }
    }
}
