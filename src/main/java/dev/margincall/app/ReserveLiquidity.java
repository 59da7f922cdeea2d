package dev.margincall.app;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.strategy.ExecutionCosts;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the lending pools can still pay out while a block's liquidations run one after another, where the market reports
 * it ({@link dev.margincall.protocol.spi.LendingMarket#contractFundingCapacity}: Aave 3.1+'s virtual balances): a
 * liquidation takes its seized collateral out of the collateral's reserve and pays its debt into the debt's reserve,
 * and a batch's flash loan takes each debt asset's total at its start. Without this, a crash's liquidations of one
 * collateral drain its reserve and the later ones revert (a batch whose items all fail cannot repay its loan: seen on the
 * demo, where each transaction alone had simulated fine). Markets that report nothing are not limited here (their
 * simulation decides).
 */
final class ReserveLiquidity {

    private final Map<MarketId, Map<Address, BigInteger>> left = new HashMap<>();
    private final Map<MarketId, Map<Address, BigInteger>> borrowedByTransaction = new HashMap<>();

    ReserveLiquidity(Map<MarketId, ExecutionCosts> costs) {
        costs.forEach((market, c) -> left.put(market, new HashMap<>(c.fundingCapacity())));
    }

    /**
     * A liquidation sent at an earlier head and not mined by this one: the chain runs it before anything planned now, so
     * its collateral is gone from the reserve and its debt paid in (its flash loan, if any, is repaid inside it). Without
     * this, heads whose transactions wait behind thousands of earlier ones plan as if the reserve were untouched (bench,
     * 100,000 borrowers: 137 liquidations of one collateral reverted in one block, each fine at its own head).
     */
    void pending(LiquidationPlan plan) {
        Map<Address, BigInteger> reserves = left.get(plan.position().market());
        if (reserves == null) {
            return;
        }
        settle(reserves, plan);
    }

    /** The liquidation's effect on the reserves it is run against: its seized collateral out, its repaid debt in. */
    private static void settle(Map<Address, BigInteger> reserves, LiquidationPlan plan) {
        reserves.computeIfPresent(plan.quote().collateralAsset(), (a, v) -> v.subtract(plan.quote().collateralToLiquidator()).max(BigInteger.ZERO));
        reserves.computeIfPresent(plan.quote().debtAsset(), (a, v) -> v.add(plan.quote().debtToCover()));
    }

    /** The next transaction starts: its flash loan is taken before any of its liquidations repays. */
    void startTransaction() {
        borrowedByTransaction.clear();
    }

    /** Takes the plan's collateral (and, contract-funded, its flash loan) from what is left; empty when it fits, else why not. */
    Optional<String> take(LiquidationPlan plan) {
        Map<Address, BigInteger> reserves = left.get(plan.position().market());
        if (reserves == null || reserves.isEmpty()) {
            return Optional.empty();
        }
        Address collateral = plan.quote().collateralAsset();
        Address debt = plan.quote().debtAsset();
        BigInteger seized = plan.quote().collateralToLiquidator();
        BigInteger available = reserves.get(collateral);
        if (available != null && seized.compareTo(available) > 0) {
            return Optional.of("the collateral's reserve has " + available + " left after this block's earlier liquidations, this one seizes " + seized);
        }
        if (plan.funding() == Funding.FLASH_LOAN && reserves.containsKey(debt)) {
            BigInteger borrowed = borrowedByTransaction.computeIfAbsent(plan.position().market(), m -> new HashMap<>())
                    .getOrDefault(debt, BigInteger.ZERO).add(plan.quote().debtToRequest());
            if (borrowed.compareTo(reserves.get(debt)) > 0) {
                return Optional.of("the flash loan of " + borrowed + " is more than the debt's reserve has left (" + reserves.get(debt) + ")");
            }
            borrowedByTransaction.get(plan.position().market()).put(debt, borrowed);
        }
        settle(reserves, plan); // seized ≤ available here: nothing is clamped
        return Optional.empty();
    }
}
