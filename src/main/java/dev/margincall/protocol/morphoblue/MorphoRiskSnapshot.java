package dev.margincall.protocol.morphoblue;

import dev.margincall.core.Address;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.AccountHealth;
import dev.margincall.protocol.spi.AccountMargin;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import dev.margincall.protocol.spi.SnapshotHeader;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Morpho Blue contract's positions at one block for the risk report, copied from the monitor. Each position
 * (market, borrower) is one account of the snapshot: Morpho markets are isolated, so a borrower in two markets is two
 * positions. A token's price is in USD (the market's value unit): a loan token's from the configured price source, a
 * collateral token's through the first market's oracle that prices it ({@link MorphoBlueMarket#price}). Under other USD
 * prices a market's oracle price moves by the ratio of its collateral's and its loan token's moves: the collateral
 * falling 10 % against an unchanged loan token is the oracle's {@code price()} 10 % lower (rounded down), which is what
 * the report's differential test writes into the oracle. Health and quotes are then Morpho's exact ones
 * ({@link PositionHealth}, {@link MorphoBlueMarket#largestQuote}), with interest accrued to the snapshot's timestamp.
 */
public final class MorphoRiskSnapshot implements RiskSnapshot {

    private static final BigInteger LLTV_PER_BPS = BigInteger.TEN.pow(14);

    /** One market as the snapshot holds it: parameters, state accrued to the snapshot, oracle price, token decimals. */
    record Market(String id, MarketParams params, MarketState accrued, BigInteger oraclePrice, int collateralDecimals, int loanDecimals) {
    }

    private record Held(Market market, Address account, PositionState position) {
    }

    private final SnapshotHeader header;
    /** The header's assets, by index. */
    private final List<RiskAsset> assets;
    private final Map<Address, Integer> assetIndex = new HashMap<>();
    private final Map<Address, BigInteger> prices = new HashMap<>();
    private final List<Held> held;

    MorphoRiskSnapshot(MarketId id, Valuation valuation, long block, long timestamp, List<Market> markets,
                       Map<String, Map<Address, PositionState>> positions, Map<Address, BigInteger> usdPrices, Map<Address, String> symbols) {
        Map<Address, RiskAsset> listed = new LinkedHashMap<>();
        for (Market market : markets) {
            addAsset(listed, market.params().loanToken(), market.loanDecimals(), usdPrices.get(market.params().loanToken()), symbols);
            BigInteger loanPrice = usdPrices.get(market.params().loanToken());
            if (loanPrice != null) {
                addAsset(listed, market.params().collateralToken(), market.collateralDecimals(), MorphoBlueMarket.collateralPrice(
                        market.oraclePrice(), market.collateralDecimals(), market.loanDecimals(), loanPrice), symbols);
            }
        }
        this.header = new SnapshotHeader(id, valuation, block, timestamp, List.copyOf(listed.values()));
        this.assets = header.assets();
        for (int i = 0; i < assets.size(); i++) {
            assetIndex.put(assets.get(i).asset(), i);
            prices.put(assets.get(i).asset(), assets.get(i).price());
        }
        List<Held> all = new ArrayList<>();
        for (Market market : markets) {
            if (!prices.containsKey(market.params().loanToken()) || !prices.containsKey(market.params().collateralToken())) {
                continue; // not priced in USD: the report cannot value it
            }
            positions.getOrDefault(market.id(), Map.of()).forEach((account, position) -> {
                if (position.borrowShares().signum() > 0 || position.collateral().signum() > 0) {
                    all.add(new Held(market, account, position));
                }
            });
        }
        all.sort((a, b) -> a.market().id().equals(b.market().id()) ? a.account().compareTo(b.account()) : a.market().id().compareTo(b.market().id()));
        this.held = List.copyOf(all);
    }

    private static void addAsset(Map<Address, RiskAsset> listed, Address token, int decimals, BigInteger price, Map<Address, String> symbols) {
        if (price != null && !listed.containsKey(token)) {
            listed.put(token, new RiskAsset(token, symbols.getOrDefault(token, token.toString()), decimals, price));
        }
    }

    @Override
    public SnapshotHeader header() {
        return header;
    }

    @Override
    public int size() {
        return held.size();
    }

    @Override
    public Address account(int index) {
        return held.get(index).account();
    }

    @Override
    public AccountExposure exposure(int index) {
        Held h = held.get(index);
        Market m = h.market();
        PositionHealth health = PositionHealth.of(h.position(), m.accrued(), m.oraclePrice(), m.params().lltv());
        int collateral = assetIndex.get(m.params().collateralToken());
        int loan = assetIndex.get(m.params().loanToken());
        BigInteger collateralValue = value(h.position().collateral(), collateral);
        BigInteger debtValue = value(health.borrowed(), loan);
        int lltvBps = m.params().lltv().divide(LLTV_PER_BPS).intValueExact();
        List<AccountExposure.Line> lines = List.of(
                new AccountExposure.Line(collateral, collateralValue, lltvBps, BigInteger.ZERO, h.position().collateral(), BigInteger.ZERO),
                new AccountExposure.Line(loan, BigInteger.ZERO, 0, debtValue, BigInteger.ZERO, health.borrowed()));
        return new AccountExposure(health.healthFactor(), collateralValue, debtValue, lines);
    }

    @Override
    public AccountMargin margin(int index) {
        Held h = held.get(index);
        Market m = h.market();
        PositionHealth health = PositionHealth.of(h.position(), m.accrued(), m.oraclePrice(), m.params().lltv());
        double margin = MorphoScanRow.safetyMarginPct(health);
        int collateral = assetIndex.get(m.params().collateralToken());
        BigInteger price = assets.get(collateral).price();
        // maxBorrow is linear in the collateral's price: liquidated where it falls to borrowed / maxBorrow of today's
        BigInteger liquidationPrice = health.borrowed().signum() == 0 || health.maxBorrow().signum() == 0 ? BigInteger.ZERO
                : price.multiply(health.borrowed()).divide(health.maxBorrow());
        return new AccountMargin(margin, List.of(new AccountMargin.AssetMargin(collateral, margin, liquidationPrice)));
    }

    @Override
    public ShockedMarket at(Map<Address, BigInteger> newPrices) {
        Map<String, BigInteger> oracle = new HashMap<>();
        for (Held h : held) {
            oracle.computeIfAbsent(h.market().id(), market -> shockedOracle(h.market(), newPrices));
        }
        return new ShockedMarket() {
            @Override
            public AccountHealth health(int account) {
                Held h = held.get(account);
                PositionHealth health = PositionHealth.of(h.position(), h.market().accrued(), oracle.get(h.market().id()), h.market().params().lltv());
                return new AccountHealth(health.healthFactor(), valueAt(h.position().collateral(), h.market().params().collateralToken(), newPrices),
                        valueAt(health.borrowed(), h.market().params().loanToken(), newPrices));
            }

            @Override
            public List<Quote> quotes(int account) {
                Held h = held.get(account);
                Market m = h.market();
                BigInteger price = oracle.get(m.id());
                PositionHealth health = PositionHealth.of(h.position(), m.accrued(), price, m.params().lltv());
                if (!health.liquidatable()) {
                    return List.of();
                }
                Optional<MorphoQuote> quote = MorphoBlueMarket.largestQuote(m.id(), m.params(), h.account(), h.position(), m.accrued(), price, health,
                        m.collateralDecimals(), m.loanDecimals(), newPrices.getOrDefault(m.params().loanToken(), prices.get(m.params().loanToken())));
                return quote.<List<Quote>>map(List::of).orElse(List.of());
            }
        };
    }

    /** The market's oracle price under new USD prices: scaled by the collateral's move over the loan token's, rounded down. */
    static BigInteger shockedOracle(Market market, Map<Address, BigInteger> newPrices, Map<Address, BigInteger> prices) {
        Address collateral = market.params().collateralToken();
        Address loan = market.params().loanToken();
        BigInteger collateralBefore = prices.get(collateral);
        BigInteger loanBefore = prices.get(loan);
        BigInteger collateralAfter = newPrices.getOrDefault(collateral, collateralBefore);
        BigInteger loanAfter = newPrices.getOrDefault(loan, loanBefore);
        if (collateralAfter.equals(collateralBefore) && loanAfter.equals(loanBefore)) {
            return market.oraclePrice();
        }
        return market.oraclePrice().multiply(collateralAfter).multiply(loanBefore).divide(collateralBefore.multiply(loanAfter));
    }

    private BigInteger shockedOracle(Market market, Map<Address, BigInteger> newPrices) {
        return shockedOracle(market, newPrices, prices);
    }

    /** Token units in USD at the snapshot's price of asset {@code index}, rounded down (as the report revalues lines). */
    private BigInteger value(BigInteger units, int index) {
        RiskAsset asset = assets.get(index);
        return units.multiply(asset.price()).divide(BigInteger.TEN.pow(asset.decimals()));
    }

    private BigInteger valueAt(BigInteger units, Address token, Map<Address, BigInteger> newPrices) {
        RiskAsset asset = assets.get(assetIndex.get(token));
        return units.multiply(newPrices.getOrDefault(token, asset.price())).divide(BigInteger.TEN.pow(asset.decimals()));
    }
}
