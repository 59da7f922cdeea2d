package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fresh chains with the same seed end in the same state, in both markets; another seed gives other
 * borrowers; the first market's addresses do not depend on how many markets the devnet has.
 */
class DevnetDeterminismIT {

    private static final int BORROWERS = 150;

    /** {@code accounts}: every market's borrowers, as that market's Pool reports them, market after market. */
    record Snapshot(Deployment deployment, List<UserAccountData> accounts, long block, long timestamp) {
    }

    private static Snapshot run(long seed, int markets) {
        try (Devnet devnet = Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), BORROWERS, seed, markets)) {
            Deployment deployment = devnet.deployment();
            List<UserAccountData> accounts = new ArrayList<>();
            for (DevnetMarket market : devnet.markets()) {
                accounts.addAll(new AccountDataReader(devnet.chain(), deployment.multicall3(), market.deployed().aaveV3().pool())
                        .read(market.borrowers().stream().map(SeededBorrower::address).toList(), BlockTag.LATEST));
            }
            var head = devnet.chain().block(BlockTag.LATEST);
            return new Snapshot(deployment, accounts, head.number(), head.timestamp());
        }
    }

    @Test
    void theSameSeedGivesTheSameAddressesAndHealthFactorsToTheWei(@TempDir Path dir) {
        Snapshot first = run(7, 2);
        Snapshot second = run(7, 2);
        // The RPC URL differs (another free port); everything else must not.
        assertThat(withoutUrl(second.deployment())).isEqualTo(withoutUrl(first.deployment()));
        assertThat(first.deployment().aaveV3Markets()).hasSize(2);
        assertThat(first.accounts()).hasSize(2 * BORROWERS);
        assertThat(second.accounts()).isEqualTo(first.accounts());
        assertThat(second.block()).isEqualTo(first.block());
        assertThat(second.timestamp()).isEqualTo(first.timestamp());

        Snapshot other = run(8, 1);
        assertThat(other.deployment().aaveV3()).isEqualTo(first.deployment().aaveV3());
        assertThat(other.deployment().reserves()).isEqualTo(first.deployment().reserves());
        assertThat(other.deployment().uniswapV2()).isEqualTo(first.deployment().uniswapV2());
        assertThat(other.deployment().aaveV3Markets()).hasSize(1);
        assertThat(other.accounts().get(0).account()).isNotEqualTo(first.accounts().get(0).account());
        assertThat(other.accounts().stream().map(UserAccountData::healthFactor).toList())
                .isNotEqualTo(first.accounts().stream().map(UserAccountData::healthFactor).toList());

        Path file = dir.resolve("out/deployment.json");
        DeploymentFile.write(first.deployment(), file);
        assertThat(DeploymentFile.read(file)).isEqualTo(first.deployment());
        assertThat(readString(file)).contains("\"poolAddressesProvider\" : \"" + first.deployment().aaveV3().poolAddressesProvider().checksummed() + "\"",
                "\"poolAddressesProvider\" : \"" + first.deployment().market("prime").aaveV3().poolAddressesProvider().checksummed() + "\"");
    }

    private static Deployment withoutUrl(Deployment d) {
        return new Deployment(d.chainId(), "", d.startBlock(), d.deployer(), d.liquidityProvider(), d.multicall3(), d.aaveV3(), d.reserves(),
                d.uniswapV2(), d.aaveV3Markets());
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
