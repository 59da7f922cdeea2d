package dev.margincall.submit;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.LiquidationPlan;
import java.math.BigInteger;

/**
 * A plan turned into a transaction body, with the money limits the submitter must respect. An item of a batch has no
 * body of its own ({@code data} "0x", {@code to} our contract): it rides in its {@link Submission}'s.
 *
 * @param grossProfitWei  the plan's profit before gas, in wei of the native token: gas may take only a share of it
 * @param minProfitWei    the configured minimum profit, in wei: a plan whose gas leaves less is not sent
 */
public record Liquidation(LiquidationPlan plan, Address to, String data, BigInteger grossProfitWei, BigInteger minProfitWei) {

    public PositionId position() {
        return plan.position();
    }
}
