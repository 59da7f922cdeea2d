package dev.margincall.app;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketSpec;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Prints a devnet's market and accounts as read from the chain. */
final class DevnetReport {

    private static final BigInteger WAD = UserAccountData.WAD;
    private static final int RISKIEST_SHOWN = 12;
    /** Health-factor bucket upper bounds in hundredths: <1, <1.05, <1.10, <1.25, <1.5, <2, rest. */
    private static final int[] BUCKETS = {100, 105, 110, 125, 150, 200};

    private final PrintWriter out;

    DevnetReport(PrintWriter out) {
        this.out = out;
    }

    DevnetReport market(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        MarketSpec spec = MarketSpec.standard();
        List<Multicall3.Call> calls = new ArrayList<>();
        for (Deployment.Reserve reserve : deployment.reserves()) {
            calls.add(new Multicall3.Call(deployment.aaveV3().oracle(), Abi.call("getAssetPrice(address)", Abi.address(reserve.asset()))));
            calls.add(new Multicall3.Call(reserve.aToken(), Abi.call("totalSupply()")));
            calls.add(new Multicall3.Call(reserve.variableDebtToken(), Abi.call("totalSupply()")));
        }
        List<Multicall3.Result> results = new Multicall3(devnet.chain(), deployment.multicall3()).aggregate3(calls, BlockTag.LATEST);
        out.printf("%nAave V3 market (Pool %s, block %d)%n", deployment.aaveV3().pool(), devnet.chain().blockNumber());
        Table table = new Table("reserve", "decimals", "price", "LTV", "liq. threshold", "bonus", "eMode", "supplied", "borrowed");
        for (int i = 0; i < deployment.reserves().size(); i++) {
            Deployment.Reserve reserve = deployment.reserves().get(i);
            ReserveSpec risk = spec.reserve(reserve.symbol());
            table.row(reserve.symbol(), reserve.decimals(), Display.usd(Words.uint(results.get(3 * i).returnData(), 0)),
                    Display.bps(risk.ltvBps()), Display.bps(risk.liquidationThresholdBps()), Display.bps(risk.liquidationBonusBps() - 10_000),
                    risk.eModeCategory() == 0 ? "-" : Integer.toString(risk.eModeCategory()),
                    Display.tokens(Words.uint(results.get(3 * i + 1).returnData(), 0), reserve.decimals()),
                    Display.tokens(Words.uint(results.get(3 * i + 2).returnData(), 0), reserve.decimals()));
        }
        table.print(out);
        return this;
    }

    DevnetReport accounts(Devnet devnet) {
        List<SeededBorrower> borrowers = devnet.borrowers();
        if (borrowers.isEmpty()) {
            out.println("No borrowers seeded.");
            return this;
        }
        Deployment deployment = devnet.deployment();
        List<UserAccountData> data = new AccountDataReader(devnet.chain(), deployment.multicall3(), deployment.aaveV3().pool())
                .read(borrowers.stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);

        int[] counts = new int[BUCKETS.length + 1];
        for (UserAccountData account : data) {
            counts[bucket(account.healthFactor())]++;
        }
        long liquidatable = data.stream().filter(UserAccountData::liquidatable).count();
        out.printf("%n%d borrowers at block %d: %d liquidatable (health factor < 1)%n", data.size(), devnet.chain().blockNumber(), liquidatable);
        Table distribution = new Table("health factor", "accounts");
        String[] labels = {"< 1.00", "1.00 - 1.05", "1.05 - 1.10", "1.10 - 1.25", "1.25 - 1.50", "1.50 - 2.00", ">= 2.00"};
        for (int i = 0; i < counts.length; i++) {
            distribution.row(labels[i], counts[i]);
        }
        distribution.print(out);

        out.printf("%nRiskiest %d accounts%n", Math.min(RISKIEST_SHOWN, data.size()));
        Table riskiest = new Table("account", "profile", "collateral", "debt", "health factor", "liquidatable");
        data.stream().sorted(Comparator.comparing(UserAccountData::healthFactor)).limit(RISKIEST_SHOWN).forEach(account -> {
            SeededBorrower borrower = borrowers.stream().filter(b -> b.address().equals(account.account())).findFirst().orElseThrow();
            riskiest.row(account.account(), borrower.profile().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    Display.usd(account.totalCollateralBase()), Display.usd(account.totalDebtBase()),
                    Display.healthFactor(account.healthFactor()), account.liquidatable() ? "yes" : "no");
        });
        riskiest.print(out);
        return this;
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
