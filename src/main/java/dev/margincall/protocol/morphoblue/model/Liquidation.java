package dev.margincall.protocol.morphoblue.model;

import static dev.margincall.protocol.morphoblue.model.MathLib.mulDivDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.mulDivUp;
import static dev.margincall.protocol.morphoblue.model.MathLib.wDivUp;
import static dev.margincall.protocol.morphoblue.model.MathLib.wMulDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.zeroFloorSub;
import static dev.margincall.protocol.morphoblue.model.PositionHealth.ORACLE_PRICE_SCALE;

import java.math.BigInteger;

/**
 * Quotes of {@code Morpho.liquidate(marketParams, borrower, seizedAssets, repaidShares, data)} (src/Morpho.sol:347-419)
 * with its rounding: exactly one of {@code seizedAssets} and {@code repaidShares} is given, the other derived.
 * There is no close factor: any amount up to the whole position. A quote the contract would revert is refused
 * with {@link Reverts} rather than returned, so nothing built on a quote can ask for more than the borrower has.
 *
 * <p>The market must already be accrued to the block's timestamp ({@link InterestAccrual}): {@code liquidate}
 * accrues first (Morpho.sol:358).
 */
public final class Liquidation {

    private final PositionState position;
    private final MarketState market;
    private final BigInteger price;
    private final BigInteger lltv;
    private final BigInteger incentive;

    /**
     * @param price the oracle's {@code price()}; {@code lltv} the market's
     */
    public Liquidation(PositionState position, MarketState market, BigInteger price, BigInteger lltv) {
        this.position = position;
        this.market = market;
        this.price = price;
        this.lltv = lltv;
        this.incentive = LiquidationIncentive.factor(lltv);
    }

    /** Why the contract would revert the liquidation asked for. */
    public static final class Reverts extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Reverts(String message) {
            super(message);
        }
    }

    /**
     * Sized by the collateral to seize (Morpho.sol:371-376): {@code repaidShares = seizedAssets.mulDivUp(price,
     * ORACLE_PRICE_SCALE).wDivUp(incentive).toSharesUp(totalBorrowAssets, totalBorrowShares)}; the liquidator pays
     * the rounding.
     */
    public LiquidationQuote bySeizedAssets(BigInteger seizedAssets) {
        requirePositive(seizedAssets, "seizedAssets");
        BigInteger seizedAssetsQuoted = mulDivUp(seizedAssets, price, ORACLE_PRICE_SCALE);
        BigInteger repaidShares = SharesMathLib.toSharesUp(wDivUp(seizedAssetsQuoted, incentive),
                market.totalBorrowAssets(), market.totalBorrowShares());
        return settle(seizedAssets, repaidShares);
    }

    /**
     * Sized by the borrow shares to repay (Morpho.sol:377-379): {@code seizedAssets = repaidShares.toAssetsDown(
     * totalBorrowAssets, totalBorrowShares).wMulDown(incentive).mulDivDown(ORACLE_PRICE_SCALE, price)}.
     */
    public LiquidationQuote byRepaidShares(BigInteger repaidShares) {
        requirePositive(repaidShares, "repaidShares");
        BigInteger seizedAssets = mulDivDown(wMulDown(SharesMathLib.toAssetsDown(repaidShares, market.totalBorrowAssets(),
                market.totalBorrowShares()), incentive), ORACLE_PRICE_SCALE, price);
        return settle(seizedAssets, repaidShares);
    }

    /**
     * The largest liquidation that does not revert: all the collateral if that repays no more than the borrower's
     * shares (what remains of the debt, if any, is then bad debt), otherwise all the borrower's shares. Sizing
     * seized collateral from the debt can overshoot both ways by rounding, so both are checked. They never both
     * overshoot: when repaying all would seize more than the collateral, seizing all repays no more than the shares
     * (the rounding argument is in MorphoRiskTest, which checks it on random markets at the edge).
     */
    public LiquidationQuote largest() {
        requireLiquidatable();
        if (position.collateral().signum() > 0) {
            try {
                return bySeizedAssets(position.collateral());
            } catch (Reverts tooManyShares) {
                // all the collateral is worth more than the whole debt: repay all of it instead
            }
        }
        return byRepaidShares(position.borrowShares());
    }

    public BigInteger incentiveFactor() {
        return incentive;
    }

    /** Morpho.sol:382-402: repay, seize, and write off what is left of the debt if no collateral is left. */
    private LiquidationQuote settle(BigInteger seizedAssets, BigInteger repaidShares) {
        requireLiquidatable();
        if (repaidShares.compareTo(position.borrowShares()) > 0) {
            throw new Reverts("repaidShares " + repaidShares + " exceed the borrower's " + position.borrowShares()
                    + " (Morpho.sol:384 underflows: arithmetic panic)");
        }
        if (seizedAssets.compareTo(position.collateral()) > 0) {
            throw new Reverts("seizedAssets " + seizedAssets + " exceed the borrower's collateral " + position.collateral()
                    + " (Morpho.sol:388 underflows: arithmetic panic)");
        }
        BigInteger repaidAssets = SharesMathLib.toAssetsUp(repaidShares, market.totalBorrowAssets(), market.totalBorrowShares()); // :382
        BigInteger borrowShares = position.borrowShares().subtract(repaidShares);                                             // :384
        BigInteger totalBorrowShares = market.totalBorrowShares().subtract(repaidShares);                                     // :385
        BigInteger totalBorrowAssets = zeroFloorSub(market.totalBorrowAssets(), repaidAssets);                                // :386
        BigInteger collateral = position.collateral().subtract(seizedAssets);                                                 // :388
        BigInteger totalSupplyAssets = market.totalSupplyAssets();
        BigInteger badDebtShares = BigInteger.ZERO;
        BigInteger badDebtAssets = BigInteger.ZERO;
        if (collateral.signum() == 0) {                                                                                       // :392
            // :393-401, on the totals after the repayment: the rest of the borrower's debt leaves both sides of the market.
            badDebtShares = borrowShares;
            badDebtAssets = totalBorrowAssets.min(SharesMathLib.toAssetsUp(badDebtShares, totalBorrowAssets, totalBorrowShares));
            totalBorrowAssets = totalBorrowAssets.subtract(badDebtAssets);
            totalSupplyAssets = totalSupplyAssets.subtract(badDebtAssets);
            totalBorrowShares = totalBorrowShares.subtract(badDebtShares);
            borrowShares = BigInteger.ZERO;
        }
        PositionState after = new PositionState(position.supplyShares(), borrowShares, collateral);
        MarketState marketAfter = new MarketState(totalSupplyAssets, market.totalSupplyShares(), totalBorrowAssets, totalBorrowShares,
                market.lastUpdate(), market.fee());
        return new LiquidationQuote(repaidAssets, repaidShares, seizedAssets, badDebtAssets, badDebtShares, after, marketAfter);
    }

    /** Morpho.sol:363: {@code require(!_isHealthy(...), HEALTHY_POSITION)}. */
    private void requireLiquidatable() {
        if (PositionHealth.of(position, market, price, lltv).healthy()) {
            throw new Reverts("the position is healthy (Morpho.sol:363 reverts with \"position is healthy\")");
        }
    }

    /** Morpho.sol:356: exactly one of the two is zero. */
    private static void requirePositive(BigInteger amount, String name) {
        if (amount.signum() <= 0) {
            throw new Reverts(name + " must be positive (Morpho.sol:356 requires exactly one of seizedAssets and repaidShares to be zero)");
        }
    }
}
