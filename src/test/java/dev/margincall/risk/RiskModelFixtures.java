package dev.margincall.risk;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3RiskSnapshot;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A snapshot of the synthetic eight-reserve Aave market ({@link SyntheticMarket#specPosition} accounts), for the report's tests. */
public final class RiskModelFixtures {

    static final Map<Address, String> SYMBOLS = Map.of(SyntheticMarket.address(0x100), "WETH", SyntheticMarket.address(0x101), "USDC",
            SyntheticMarket.address(0x102), "WBTC", SyntheticMarket.address(0x103), "DAI", SyntheticMarket.address(0x104), "USDT",
            SyntheticMarket.address(0x105), "wstETH", SyntheticMarket.address(0x106), "LINK", SyntheticMarket.address(0x107), "AAVE");

    private RiskModelFixtures() {
    }

    public static RiskSnapshot synthetic(int accounts, long seed) {
        return synthetic(accounts, seed, dev.margincall.protocol.aavev3.model.AaveRules.V3_0);
    }

    /** The same book under {@code rules} (3.6: balances and debt values rounded in the protocol's favour). */
    public static RiskSnapshot synthetic(int accounts, long seed, dev.margincall.protocol.aavev3.model.AaveRules rules) {
        Market base = SyntheticMarket.market(SyntheticMarket.RESERVES);
        Market market = new Market(base.reservesById(), base.eModeCategories(), rules, false);
        Random random = new Random(seed);
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            positions.add(SyntheticMarket.specPosition(SyntheticMarket.address(0x1000000 + i), random));
        }
        return new AaveV3RiskSnapshot(new MarketId("aave-v3", "synthetic"), new Valuation(BigInteger.TEN.pow(8)), 100, market,
                SyntheticMarket.prices(SyntheticMarket.RESERVES), SyntheticMarket.T0, positions, SYMBOLS);
    }
}
