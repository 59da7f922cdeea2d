package dev.margincall.app;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetMarket;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Prints a devnet's markets and accounts as read from the chain. */
final class DevnetReport {

    private static final BigInteger WAD = UserAccountData.WAD;
    private static final int RISKIEST_SHOWN = 12;
    /** Health-factor bucket upper bounds in hundredths: <1, <1.05, <1.10, <1.25, <1.5, <2, rest. */
    private static final int[] BUCKETS = {100, 105, 110, 125, 150, 200};

    private final PrintWriter out;

    DevnetReport(PrintWriter out) {
        this.out = out;
    }

    /** Every market's contracts and reserves. */
    DevnetReport market(Devnet devnet) {
        devnet.markets().forEach(market -> market(devnet, market));
        return this;
    }

    private void market(Devnet devnet, DevnetMarket market) {
        Deployment deployment = devnet.deployment();
        Deployment.AaveMarket deployed = market.deployed();
        Deployment.Aave aave = deployed.aaveV3();
        List<Multicall3.Call> calls = new ArrayList<>();
        for (Deployment.Reserve reserve : deployed.reserves()) {
            calls.add(new Multicall3.Call(aave.oracle(), Abi.call("getAssetPrice(address)", Abi.address(reserve.asset()))));
            calls.add(new Multicall3.Call(reserve.aToken(), Abi.call("totalSupply()")));
            calls.add(new Multicall3.Call(reserve.variableDebtToken(), Abi.call("totalSupply()")));
        }
        List<Multicall3.Result> results = new Multicall3(devnet.chain(), deployment.multicall3()).aggregate3(calls, BlockTag.LATEST);
        out.printf("%nAave V3 market %s (V%s, Pool %s, block %d)%n", market.name(), devnet.aaveVersion(), aave.pool(), devnet.chain().blockNumber());
        out.printf("PoolAddressesProvider %s, AaveOracle %s, data provider %s%n", aave.poolAddressesProvider(), aave.oracle(), aave.dataProvider());
        Table table = new Table("reserve", "decimals", "price", "LTV", "liq. threshold", "bonus", "eMode", "supplied", "borrowed");
        for (int i = 0; i < deployed.reserves().size(); i++) {
            Deployment.Reserve reserve = deployed.reserves().get(i);
            ReserveSpec risk = market.spec().reserve(reserve.symbol());
            table.row(reserve.symbol(), reserve.decimals(), Display.usd(Words.uint(results.get(3 * i).returnData(), 0)),
                    Display.bps(risk.ltvBps()), Display.bps(risk.liquidationThresholdBps()), Display.bps(risk.liquidationBonusBps() - 10_000),
                    risk.eModeCategory() == 0 ? "-" : Integer.toString(risk.eModeCategory()),
                    Display.tokens(Words.uint(results.get(3 * i + 1).returnData(), 0), reserve.decimals()),
                    Display.tokens(Words.uint(results.get(3 * i + 2).returnData(), 0), reserve.decimals()));
        }
        table.print(out);
    }

    /** Every market's borrowers: health-factor distribution and the riskiest accounts. */
    DevnetReport accounts(Devnet devnet) {
        boolean several = devnet.markets().size() > 1;
        devnet.markets().forEach(market -> accounts(devnet, market, several));
        return this;
    }

    private void accounts(Devnet devnet, DevnetMarket market, boolean named) {
        List<SeededBorrower> borrowers = market.borrowers();
        String in = named ? " in " + market.name() : "";
        if (borrowers.isEmpty()) {
            out.println("No borrowers seeded" + in + ".");
            return;
        }
        Deployment deployment = devnet.deployment();
        List<UserAccountData> data = new AccountDataReader(devnet.chain(), deployment.multicall3(), market.deployed().aaveV3().pool())
                .read(borrowers.stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);

        int[] counts = new int[BUCKETS.length + 1];
        for (UserAccountData account : data) {
            counts[bucket(account.healthFactor())]++;
        }
        long liquidatable = data.stream().filter(UserAccountData::liquidatable).count();
        out.printf("%n%d borrowers%s at block %d: %d liquidatable (health factor < 1)%n", data.size(), in, devnet.chain().blockNumber(), liquidatable);
        Table distribution = new Table("health factor", "accounts");
        String[] labels = {"< 1.00", "1.00 - 1.05", "1.05 - 1.10", "1.10 - 1.25", "1.25 - 1.50", "1.50 - 2.00", ">= 2.00"};
        for (int i = 0; i < counts.length; i++) {
            distribution.row(labels[i], counts[i]);
        }
        distribution.print(out);

        out.printf("%nRiskiest %d accounts%s%n", Math.min(RISKIEST_SHOWN, data.size()), in);
        Table riskiest = new Table("account", "profile", "collateral", "debt", "health factor", "liquidatable");
        data.stream().sorted(Comparator.comparing(UserAccountData::healthFactor)).limit(RISKIEST_SHOWN).forEach(account -> {
            SeededBorrower borrower = borrowers.stream().filter(b -> b.address().equals(account.account())).findFirst().orElseThrow();
            riskiest.row(account.account(), borrower.profile().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    Display.usd(account.totalCollateralBase()), Display.usd(account.totalDebtBase()),
                    Display.healthFactor(account.healthFactor()), account.liquidatable() ? "yes" : "no");
        });
        riskiest.print(out);
    }

    private static int bucket(BigInteger healthFactor) {
        BigInteger hundredths = healthFactor.multiply(BigInteger.valueOf(100)).divide(WAD);
        for (int i = 0; i < BUCKETS.length; i++) {
            if (hundredths.compareTo(BigInteger.valueOf(BUCKETS[i])) < 0) {
                return i;
            }
        }
        return BUCKETS.length;
    }
}
