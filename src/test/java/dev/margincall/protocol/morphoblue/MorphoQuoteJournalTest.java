package dev.margincall.protocol.morphoblue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.morphoblue.model.LiquidationQuote;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionState;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.SwapRoute;
import dev.margincall.submit.Fees;
import dev.margincall.submit.Liquidation;
import dev.margincall.submit.SendJournal;
import dev.margincall.submit.Submission;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Morpho quote survives the send journal (written as JSON with every signed transaction, read back after a crash):
 * with its bad-debt loss allowance and without one. An allowance held as an Optional could not be written at all.
 */
class MorphoQuoteJournalTest {

    private static final Address A = Address.of("0x00000000000000000000000000000000000000a1");
    private static final MarketParams PARAMS = new MarketParams(A, Address.of("0x00000000000000000000000000000000000000a2"),
            Address.of("0x00000000000000000000000000000000000000a3"), Address.of("0x00000000000000000000000000000000000000a4"),
            new BigInteger("860000000000000000"));

    @TempDir
    Path dir;

    private static SendJournal.Entry entry(long nonce, Optional<BigInteger> allowance) {
        BigInteger one = BigInteger.ONE;
        MarketState market = new MarketState(BigInteger.TEN, BigInteger.TEN, one, one, 1_700_000_000L, BigInteger.ZERO);
        LiquidationQuote sized = new LiquidationQuote(BigInteger.valueOf(2_680_000), BigInteger.valueOf(2_680_000_000_000L),
                BigInteger.valueOf(2_000_000_000_000_000L), BigInteger.valueOf(620_000), BigInteger.valueOf(620_000_000_000L),
                PositionState.EMPTY, market);
        MorphoQuote quote = new MorphoQuote(PARAMS.id(), PARAMS, A, sized, true, BigInteger.valueOf(1_400_00000000L), BigInteger.valueOf(1_00000000L), 18, 6,
                new BigInteger("800000000000000000")).withLossAllowance(allowance);
        LiquidationPlan plan = new LiquidationPlan(new PositionId(new MarketId("morpho-blue", "m"), A), Funding.WALLET, quote, SwapRoute.none(),
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.valueOf(11_000_000), BigInteger.valueOf(60_000_000), 450_000,
                new Valuation(BigInteger.TEN.pow(8)));
        return new SendJournal.Entry(nonce, "0xhash", "0xraw", new Fees(BigInteger.TWO, BigInteger.ONE), false, BigInteger.valueOf(500_000),
                new dev.margincall.core.BlockRef(9, "0x09"), Submission.single(new Liquidation(plan, A, "0x12", BigInteger.TEN, BigInteger.ZERO)));
    }

    @Test
    void aQuoteWithOrWithoutALossAllowanceIsReadBackEqual() {
        Path file = dir.resolve("sent.jsonl");
        SendJournal journal = SendJournal.open(file);
        journal.append(entry(1, Optional.of(BigInteger.valueOf(5_000_000_000L))));
        journal.append(entry(2, Optional.empty()));
        journal.close();
        var recovered = SendJournal.open(file).recovered();
        assertThat(recovered).containsExactly(entry(1, Optional.of(BigInteger.valueOf(5_000_000_000L))), entry(2, Optional.empty()));
        assertThat(recovered.get(0).submission().items().get(0).plan().quote().badDebtLossAllowance()).contains(BigInteger.valueOf(5_000_000_000L));
        assertThat(recovered.get(1).submission().items().get(0).plan().quote().badDebtLossAllowance()).isEmpty();
    }
}
