package dev.margincall.strategy;

import dev.margincall.core.Address;
import dev.margincall.core.Rounding;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses how to liquidate one account: over every (collateral, debt) pair the protocol allows, the
 * profit after the bonus and protocol fee (in the quote), the swap's exact output with its price impact
 * and the flash premium (flash-loan funding) or the collateral at the oracle price (wallet funding),
 * minus gas at the price we would pay. The best pair above the minimum profit wins; otherwise the
 * reason why not, from the furthest stage any pair reached.
 */
public final class LiquidationStrategy {

    private final StrategySettings settings;

    public LiquidationStrategy(StrategySettings settings) {
        this.settings = settings;
    }

    public StrategySettings settings() {
        return settings;
    }

    /**
     * @param quotes          the protocol's liquidation outcomes for the account, one per pair
     * @param walletBalances  wallet funding: the keeper's balance of each debt asset
     */
    public PlanDecision plan(PositionId position, List<? extends Quote> quotes, SwapMarket swaps, ExecutionCosts costs,
                             Map<Address, BigInteger> walletBalances) {
        LiquidationPlan best = null;
        RejectReason furthest = null;
        String detail = "no (collateral, debt) pair can be liquidated";
        for (Quote quote : quotes) {
            Evaluated evaluated = settings.funding() == Funding.FLASH_LOAN ? flashLoan(position, quote, swaps, costs)
                    : wallet(position, quote, costs, walletBalances);
            if (evaluated.plan != null && (best == null || evaluated.plan.netProfitBase().compareTo(best.netProfitBase()) > 0)) {
                best = evaluated.plan;
            } else if (evaluated.plan == null && (furthest == null || evaluated.reason.ordinal() > furthest.ordinal())) {
                furthest = evaluated.reason;
                detail = evaluated.detail;
            }
        }
        if (best != null) {
            return new PlanDecision.Planned(best);
        }
        return new PlanDecision.Rejected(position, furthest == null ? RejectReason.NOT_PROFITABLE : furthest, detail);
    }

    /** Ranks plans most profitable first, in USD across markets (for a block with many opportunities). */
    public static Comparator<LiquidationPlan> mostProfitableFirst() {
        return Comparator.comparing(LiquidationPlan::netProfitUsd).reversed().thenComparing(LiquidationPlan::position);
    }

    private Evaluated flashLoan(PositionId position, Quote quote, SwapMarket swaps, ExecutionCosts costs) {
        if (dust(quote, costs)) {
            return Evaluated.rejected(RejectReason.DUST, describe(quote) + ": debt worth " + quote.debtValue() + " value units, below the dust threshold");
        }
        Optional<SwapRoute> route = swaps.bestRoute(quote.collateralAsset(), quote.debtAsset(), quote.collateralToLiquidator());
        BigInteger swapOut = route.map(r -> quote.sameAsset() ? quote.collateralToLiquidator()
                : UniswapV2Math.amountOut(quote.collateralToLiquidator(), r.hops())).orElse(BigInteger.ZERO);
        if (route.isEmpty() || swapOut.signum() == 0) {
            return Evaluated.rejected(RejectReason.NO_LIQUIDITY, describe(quote) + ": no Uniswap V2 pool swaps the collateral into the debt asset");
        }
        if (!costs.fundingCovers(quote.debtAsset(), quote.debtToRequest())) {
            return Evaluated.rejected(RejectReason.NO_LIQUIDITY, describe(quote) + ": the flash loan of " + quote.debtToRequest()
                    + " is more than the lender holds (" + costs.fundingCapacity().get(quote.debtAsset()) + ")");
        }
        BigInteger premium = costs.fundingPremium(quote.debtToRequest()); // on what the flash loan borrows
        BigInteger profitTokens = swapOut.subtract(quote.debtToCover()).subtract(premium);
        BigInteger debtUnit = BigInteger.TEN.pow(quote.debtDecimals());
        BigInteger gross = profitTokens.multiply(quote.debtPrice()).divide(debtUnit);
        long gas = settings.flashGas();
        BigInteger gasCost = costs.gasCostBase(gas);
        BigInteger floorBase = minProfit(costs).add(gasCost);
        BigInteger minProfitTokens = Rounding.ceilDiv(floorBase.multiply(debtUnit), quote.debtPrice());
        LiquidationPlan plan = new LiquidationPlan(position, Funding.FLASH_LOAN, quote, route.get(), swapOut, premium, minProfitTokens,
                quote.debtToCover().add(premium).add(minProfitTokens), gross, gasCost, gas, costs.valuation());
        return judge(plan, quote, costs);
    }

    private Evaluated wallet(PositionId position, Quote quote, ExecutionCosts costs, Map<Address, BigInteger> walletBalances) {
        if (dust(quote, costs)) {
            return Evaluated.rejected(RejectReason.DUST, describe(quote) + ": debt worth " + quote.debtValue() + " value units, below the dust threshold");
        }
        BigInteger balance = walletBalances.getOrDefault(quote.debtAsset(), BigInteger.ZERO);
        // what the call asks to repay, not only what the quote repays: a batch pulls that much before its items run
        if (balance.compareTo(quote.debtToRequest()) < 0) {
            return Evaluated.rejected(RejectReason.INSUFFICIENT_BALANCE, describe(quote) + ": needs " + quote.debtToRequest() + " of the debt asset, the wallet has " + balance);
        }
        long gas = settings.walletGas();
        LiquidationPlan plan = new LiquidationPlan(position, Funding.WALLET, quote, SwapRoute.none(), BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
                BigInteger.ZERO, quote.collateralValue().subtract(quote.debtValue()), costs.gasCostBase(gas), gas, costs.valuation());
        return judge(plan, quote, costs);
    }

    /** Debt below the dust threshold, unless realizing bad debt its market accepts a loss for (the small ones are most of those). */
    private boolean dust(Quote quote, ExecutionCosts costs) {
        return quote.debtValue().compareTo(costs.valuation().fromUsdCeil(settings.dustUsd())) < 0 && quote.badDebtLossAllowance().isEmpty();
    }

    /** The configured minimum profit in the market's value unit (rounded up). */
    private BigInteger minProfit(ExecutionCosts costs) {
        return costs.valuation().fromUsdCeil(settings.minProfitUsd());
    }

    private Evaluated judge(LiquidationPlan plan, Quote quote, ExecutionCosts costs) {
        if (quote.realizesBadDebt() && plan.netProfitBase().compareTo(minProfit(costs)) < 0) {
            return realizingBadDebt(plan, quote);
        }
        if (plan.netProfitBase().signum() <= 0) {
            return Evaluated.rejected(RejectReason.NOT_PROFITABLE, describe(quote) + ": profit " + plan.grossProfitBase() + " - gas "
                    + plan.gasCostBase() + " base units");
        }
        if (plan.netProfitBase().compareTo(minProfit(costs)) < 0) {
            return Evaluated.rejected(RejectReason.BELOW_MIN_PROFIT, describe(quote) + ": net profit " + plan.netProfitBase()
                    + " value units is below the minimum " + minProfit(costs));
        }
        return new Evaluated(plan, null, null);
    }

    /**
     * A liquidation that realizes bad debt below the minimum profit: planned only when its market accepts a loss for it
     * and the loss (net of gas) is within that allowance. Contract funding cannot lose tokens (the sale must repay the
     * debt, the contract's minimum profit is then zero): only gas is lost there.
     */
    private static Evaluated realizingBadDebt(LiquidationPlan plan, Quote quote) {
        BigInteger loss = plan.netProfitBase().negate().max(BigInteger.ZERO);
        Optional<BigInteger> allowed = quote.badDebtLossAllowance();
        if (allowed.isEmpty() || loss.compareTo(allowed.get()) > 0) {
            return Evaluated.rejected(RejectReason.BAD_DEBT_LOSS, describe(quote) + ": realizing bad debt would " + (loss.signum() > 0
                    ? "lose " + usd(plan, loss) : "earn " + usd(plan, plan.netProfitBase())) + " after gas; " + allowed.map(a -> "the market accepts a loss of at most "
                    + usd(plan, a) + " (maxBadDebtLossUsd)").orElse("realizeBadDebt is off for this market"));
        }
        if (plan.funding() == Funding.FLASH_LOAN) {
            if (plan.profitTokens().signum() < 0) {
                return Evaluated.rejected(RejectReason.BAD_DEBT_LOSS, describe(quote) + ": realizing bad debt, the sale of the collateral ("
                        + plan.swapOut() + ") does not repay the debt and the premium");
            }
            return new Evaluated(new LiquidationPlan(plan.position(), plan.funding(), quote, plan.route(), plan.swapOut(), plan.flashPremium(),
                    BigInteger.ZERO, quote.debtToCover().add(plan.flashPremium()), plan.grossProfitBase(), plan.gasCostBase(), plan.gas(),
                    plan.valuation()), null, null);
        }
        return new Evaluated(plan, null, null);
    }

    private static String usd(LiquidationPlan plan, BigInteger value) {
        return "$" + plan.valuation().usd(value).toPlainString() + " (" + value + " value units)";
    }

    private static String describe(Quote quote) {
        return "collateral " + quote.collateralAsset() + " / debt " + quote.debtAsset();
    }

    private record Evaluated(LiquidationPlan plan, RejectReason reason, String detail) {
        static Evaluated rejected(RejectReason reason, String detail) {
            return new Evaluated(null, reason, detail);
        }
    }
}
