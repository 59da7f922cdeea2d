package dev.margincall.protocol.spi;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/** Turns a chosen quote into the transaction that executes it: the only place that knows the protocol's liquidation ABI. */
public interface LiquidationEncoder {

    /** Wallet funding: the contract that pulls the repaid debt from the keeper's wallet (it must be approved for each debt asset). */
    Address walletSpender();

    /** Wallet funding: the protocol's own liquidation call, from the keeper's wallet. */
    ContractCall wallet(Quote quote, boolean receiveCollateralAsToken);

    /**
     * Contract funding: our liquidator contract borrows the debt asset (or is called back by the protocol),
     * liquidates, swaps the collateral along {@code swapPath} for at least {@code minAmountOut}, and reverts
     * unless {@code minProfit} (debt-asset units) is left.
     */
    ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit);

    /** What contract funding costs on top of the debt repaid, in basis points of it (Aave: the flash-loan premium; 0 where none). */
    int fundingPremiumBps();

    /** The premium rounds up (Aave 3.6: {@code percentMulCeil}, FlashLoanLogic.sol:81, 180); else half up (Aave 3.0's {@code percentMul}). */
    default boolean fundingPremiumRoundsUp() {
        return false;
    }
}
