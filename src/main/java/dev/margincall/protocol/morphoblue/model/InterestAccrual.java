package dev.margincall.protocol.morphoblue.model;

import static dev.margincall.protocol.morphoblue.model.MathLib.wMulDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.wTaylorCompounded;

import java.math.BigInteger;

/**
 * {@code Morpho._accrueInterest} (src/Morpho.sol:483-509), as a function: the market's totals at a later block
 * timestamp, and the supply shares minted to the fee recipient (which no event of their own announces).
 *
 * @param market    the totals after accrual ({@code lastUpdate} = the timestamp)
 * @param interest  added to both total borrow and total supply assets
 * @param feeShares credited to the fee recipient's supply shares and to the total supply shares
 */
public record InterestAccrual(MarketState market, BigInteger interest, BigInteger feeShares) {

    /**
     * Accrues {@code market} to {@code timestamp} at {@code borrowRate} (wad per second), the rate the market's IRM
     * gives for the market as it was before accrual ({@code IIrm.borrowRate(marketParams, market[id])}, Morpho.sol:488;
     * {@code borrowRateView} answers the same for a stateless IRM). {@code borrowRate} null stands for a market
     * without IRM ({@code irm == address(0)}): only {@code lastUpdate} moves (Morpho.sol:487, 508).
     */
    public static InterestAccrual accrue(MarketState market, BigInteger borrowRate, long timestamp) {
        long elapsed = timestamp - market.lastUpdate();                   // Morpho.sol:484
        if (elapsed < 0) {
            throw new IllegalArgumentException("timestamp " + timestamp + " is before the market's last update " + market.lastUpdate());
        }
        if (elapsed == 0) {                                               // Morpho.sol:485
            return new InterestAccrual(market, BigInteger.ZERO, BigInteger.ZERO);
        }
        if (borrowRate == null) {
            return new InterestAccrual(new MarketState(market.totalSupplyAssets(), market.totalSupplyShares(), market.totalBorrowAssets(),
                    market.totalBorrowShares(), timestamp, market.fee()), BigInteger.ZERO, BigInteger.ZERO);
        }
        // Morpho.sol:489-491: interest = totalBorrowAssets.wMulDown(borrowRate.wTaylorCompounded(elapsed)), added to both totals.
        BigInteger interest = wMulDown(market.totalBorrowAssets(), wTaylorCompounded(borrowRate, elapsed));
        BigInteger totalBorrowAssets = market.totalBorrowAssets().add(interest);
        BigInteger totalSupplyAssets = market.totalSupplyAssets().add(interest);
        BigInteger feeShares = BigInteger.ZERO;
        if (market.fee().signum() != 0) {
            // Morpho.sol:495-499: the fee's shares are priced against supply without the fee (it is already in the total).
            BigInteger feeAmount = wMulDown(interest, market.fee());
            feeShares = SharesMathLib.toSharesDown(feeAmount, totalSupplyAssets.subtract(feeAmount), market.totalSupplyShares());
        }
        MarketState accrued = new MarketState(totalSupplyAssets, market.totalSupplyShares().add(feeShares), totalBorrowAssets,
                market.totalBorrowShares(), timestamp, market.fee());
        return new InterestAccrual(accrued, interest, feeShares);
    }
}
