package dev.margincall.protocol.spi;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * A liquidation the market's own events report, whoever sent it.
 *
 * @param liquidator     who the protocol names as liquidator (our signer, our contract, or a competitor)
 * @param debtRepaid     debt-asset units
 * @param collateral     collateral-asset units the liquidator received
 * @param bonusValue     what it was worth to the liquidator: collateral minus debt at the market's prices when seen,
 *                       in the market's value unit (an estimate: swap costs and gas are not in it)
 */
public record MarketLiquidation(PositionId position, Address liquidator, long block, String transactionHash, Address collateralAsset,
                                Address debtAsset, BigInteger debtRepaid, BigInteger collateral, BigInteger bonusValue) {
}
