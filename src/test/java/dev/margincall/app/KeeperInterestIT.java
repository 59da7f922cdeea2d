package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.Outcome;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** No price moves: time passes until interest alone pushes accounts below 1, and the keeper liquidates them. Its own chain: time only goes forward. */
@WithDevnet(borrowers = 80, seed = 909)
class KeeperInterestIT {

    @Test
    void interestAloneMakesAccountsLiquidatableAndTheyAreLiquidated(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        KeeperIT.fundKeeperWithTokens(devnet);
        try (KeeperRuntime runtime = KeeperRuntime.start(KeeperIT.config(deployment, Funding.WALLET, Optional.empty()), false,
                Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get, Files.createTempDirectory("keeper-interest"), new SimpleMeterRegistry(),
                Duration.ofMillis(20))) {
            List<Address> accounts = devnet.borrowers().stream().map(b -> b.address()).toList();
            AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
            assertThat(KeeperIT.liquidatableAt(reader, accounts, chain.blockNumber())).as("nothing liquidatable before time passes").isEmpty();
            Set<Address> liquidatable = Set.of();
            chain.setAutomine(false);
            for (int step = 1; step <= 40 && liquidatable.isEmpty(); step++) {
                assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).isTrue();
                chain.setNextBlockTimestamp(chain.block(BlockTag.LATEST).timestamp() + 90L * 24 * 3600); // a quarter, interest only
                chain.mine();
                liquidatable = KeeperIT.liquidatableAt(reader, accounts, chain.blockNumber());
            }
            assertThat(liquidatable).as("accounts interest pushed below 1").isNotEmpty();
            int idle = 0;
            for (int block = 0; block < 60 && idle < 2; block++) {
                assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).isTrue();
                idle = runtime.inFlight() == 0 && chain.pendingTransactionCount() == 0 ? idle + 1 : 0;
                chain.mine();
            }
            Set<Address> liquidated = runtime.events().outcomes().stream().filter(o -> o.status().equals("mined"))
                    .map(Outcome::account).collect(Collectors.toSet());
            Map<Address, RejectReason> reasons = runtime.events().rejections();
            assertThat(liquidated).as("liquidated after interest alone").isNotEmpty();
            for (Address account : liquidatable) {
                assertThat(liquidated.contains(account) || reasons.containsKey(account)).as("%s liquidated or skipped with a reason", account).isTrue();
            }
            assertThat(runtime.events().outcomes()).isNotEmpty().allSatisfy(o -> assertThat(o.status()).isEqualTo("mined"));
            assertThat(chain.transactionCount(KeeperIT.KEEPER, BlockTag.PENDING)).isEqualTo(chain.transactionCount(KeeperIT.KEEPER, BlockTag.LATEST));
            System.out.printf("interest: %d accounts crossed HF 1 by interest, %d liquidated, first liquidations %s blocks after%n",
                    liquidatable.size(), liquidated.size(), runtime.events().outcomes().stream().map(Outcome::blocksToLiquidation).toList());
        }
    }
}
