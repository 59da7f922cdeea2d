// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Minimal interfaces, written from the signatures in @aave/core-v3 1.19.3 (interfaces/IPool.sol,
// interfaces/IPoolAddressesProvider.sol, flashloan/interfaces/IFlashLoanSimpleReceiver.sol) and
// @uniswap/v2-periphery (interfaces/IUniswapV2Router02.sol). Only what this contract calls.

interface IPoolAddressesProvider {
    function getPool() external view returns (address);
}

interface IPool {
    function flashLoanSimple(address receiverAddress, address asset, uint256 amount, bytes calldata params, uint16 referralCode) external;

    function flashLoan(
        address receiverAddress,
        address[] calldata assets,
        uint256[] calldata amounts,
        uint256[] calldata interestRateModes,
        address onBehalfOf,
        bytes calldata params,
        uint16 referralCode
    ) external;

    function liquidationCall(address collateralAsset, address debtAsset, address user, uint256 debtToCover, bool receiveAToken) external;
}

interface IERC20 {
    function balanceOf(address account) external view returns (uint256);

    function allowance(address owner, address spender) external view returns (uint256);
}

interface IUniswapV2Router02 {
    function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline)
        external
        returns (uint256[] memory amounts);
}

/// @title FlashLiquidator
/// @notice Liquidates an Aave V3 position without capital: flash-borrows the debt asset from the same
///         Pool, repays the debt, sells the seized collateral on Uniswap V2, repays the loan plus
///         premium and sends the profit to the owner, all in one transaction that reverts unless the
///         profit reaches the owner's minimum. The contract holds nothing between transactions.
contract FlashLiquidator {
    /// @notice The keeper EOA: the only account that may start a liquidation or move funds out.
    address public immutable owner;
    /// @notice The Aave V3 Pool (a proxy: its address is fixed for the life of its PoolAddressesProvider,
    ///         upgrades change the implementation behind it), resolved once to save a call per liquidation.
    address public immutable pool;
    /// @notice The Uniswap V2 Router02 the seized collateral is sold on.
    address public immutable router;

    event Liquidated(
        address indexed user,
        address indexed collateralAsset,
        address indexed debtAsset,
        uint256 debtCovered,
        uint256 collateralSeized,
        uint256 profit
    );

    /// @dev What liquidate() passes through the flash loan to executeOperation.
    struct Order {
        address collateralAsset;
        address user;
        uint256 minAmountOut;
        uint256 minProfit;
        address[] swapPath;
    }

    error NotOwner();
    error NotPool();
    error BadInitiator();
    error BadSwapPath();
    /// @dev The unused loan plus the swap proceeds fall short of the loan plus premium (what the contract
    ///      held before is never spent on it).
    error RepaymentShortfall(uint256 available, uint256 owed);
    error InsufficientProfit(uint256 profit, uint256 minProfit);
    error TokenCallFailed(address token);
    error EthTransferFailed();
    error NotSelf();
    error BadBatch();
    /// @dev A batch item's liquidation yielded less collateral than planned (the position changed): the item is skipped.
    error CollateralShortfall(uint256 seized, uint256 minCollateral);

    // ---- batches ------------------------------------------------------------------------------------------------
    // Many liquidations in one transaction. The items of one debt asset form a path: one flash loan of that asset (or
    // the owner's own tokens), each item liquidated in its own guarded call (an item that became invalid, e.g. a
    // competitor came first or an oracle moved, is skipped with its reason and reverts nothing else), the collateral
    // of each (collateral, debt) pair sold in one swap, and the profit checked. Each path runs in its own guarded call
    // too: a flash loan is charged its premium whether or not the borrowed tokens were used, so a path none of whose
    // items could be liquidated (or that falls short of its minimum profit) is undone whole, loan included, and
    // reported, while the other paths still settle. What the Pool did not take is simply not spent.

    /// @dev One liquidation of a batch. `swap` indexes the batch's swaps: the one selling this item's collateral
    ///      for its debt asset. `minCollateral` is the per-item guard: the collateral the plan expects, at least.
    struct Item {
        address collateralAsset;
        address debtAsset;
        address user;
        uint256 debtToCover;
        uint256 minCollateral;
        uint256 swap;
    }

    /// @dev Sells all the collateral its items seized along `path` ([collateral, ..., debt]; empty when the
    ///      collateral is the debt asset), at no less than `minOutPerIn` debt units per 1e18 collateral units
    ///      (a price floor, valid whatever subset of the items ran: fewer items sell at a better price).
    ///      `[collateral]` alone keeps it: the collateral goes to the owner unsold (wallet funding, owner's tokens only),
    ///      and the debt its items repaid is what the owner paid for it.
    struct Swap {
        address[] path;
        uint256 minOutPerIn;
    }

    /// @dev The batch. `debtAssets` lists each debt asset once, in the order its path runs; `minProfits[i]` is the
    ///      least profit in `debtAssets[i]` its path must leave; `fromOwner`: the owner's tokens (pulled, then
    ///      returned with the proceeds) instead of a flash loan: what its items repay at most, or the owner's whole
    ///      balance if that is less (an item that then finds too little is skipped, the others run).
    struct Batch {
        Item[] items;
        Swap[] swaps;
        address[] debtAssets;
        uint256[] minProfits;
        bool fromOwner;
    }

    /// @dev A path undone whole: why (`reason`), and why each of its items, in batch order, is reported skipped
    ///      (its own revert data, or `reason` for an item that had been liquidated). Raised inside the path's call
    ///      and caught by the batch, which emits the reasons: events of an undone call would be undone with it.
    error PathFailed(bytes reason, bytes[] itemReasons);
    /// @dev Every item of a path failed: nothing to sell, and the loan's premium would be a loss.
    error NoItemLiquidated();
    /// @dev A path's swap returned less than its floor price allows.
    error SwapBelowFloor(uint256 amountOut, uint256 minAmountOut);
    /// @dev A guarded call ran out of gas: the transaction was given too little, which is not a reason to skip anything.
    error OutOfGas();

    event BatchItemLiquidated(uint256 indexed index, address indexed user, uint256 debtCovered, uint256 collateralSeized);
    event BatchItemSkipped(uint256 indexed index, address indexed user, bytes reason);
    event BatchSettled(address indexed debtAsset, uint256 borrowed, uint256 profit);
    /// @notice A debt asset's path was undone (nothing borrowed, nothing liquidated); its items are reported skipped.
    event BatchPathSkipped(address indexed debtAsset, bytes reason);

    constructor(address addressesProvider, address swapRouter) {
        owner = msg.sender;
        pool = IPoolAddressesProvider(addressesProvider).getPool();
        router = swapRouter;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    // No receive() or fallback(): nothing here uses ETH (the swap is token to token), so a plain ETH
    // transfer reverts instead of being stranded. ETH forced in anyway (selfdestruct, coinbase) is
    // recoverable with rescueEth.

    /// @notice Flash-borrows `debtToCover` of `debtAsset` and liquidates `user` with it. `swapPath` sells
    ///         the seized collateral for the debt asset: `[collateralAsset, ..., debtAsset]`, or empty when
    ///         both are the same asset (nothing to sell). Reverts unless the owner gains `minProfit`.
    function liquidate(
        address collateralAsset,
        address debtAsset,
        address user,
        uint256 debtToCover,
        address[] calldata swapPath,
        uint256 minAmountOut,
        uint256 minProfit
    ) external onlyOwner {
        // Checked here, before the loan, so a bad path fails cheaply.
        if (collateralAsset == debtAsset) {
            if (swapPath.length != 0) revert BadSwapPath();
        } else if (swapPath.length < 2 || swapPath[0] != collateralAsset || swapPath[swapPath.length - 1] != debtAsset) {
            revert BadSwapPath();
        }
        IPool(pool).flashLoanSimple(
            address(this), debtAsset, debtToCover, abi.encode(Order(collateralAsset, user, minAmountOut, minProfit, swapPath)), 0
        );
    }

    /// @notice Aave's flash-loan callback. Everything, including the profit check and the payout, happens
    ///         here: after it returns the Pool pulls exactly `amount + premium`, so what is left above that
    ///         is the profit, and a revert here undoes the whole liquidation.
    function executeOperation(address asset, uint256 amount, uint256 premium, address initiator, bytes calldata params)
        external
        returns (bool)
    {
        // Only the Pool lends, and only loans this contract asked for (from liquidate, owner-only) are
        // served: anyone may call Pool.flashLoanSimple naming us as receiver, the initiator tells.
        if (msg.sender != pool) revert NotPool();
        if (initiator != address(this)) revert BadInitiator();

        Order memory order = abi.decode(params, (Order));

        // What we held before the loan arrived: never spent, never counted as profit.
        uint256 heldBefore = IERC20(asset).balanceOf(address(this)) - amount;
        (uint256 debtCovered, uint256 collateralSeized) = _liquidateAndSell(order, asset, amount);
        uint256 profit = _payOut(asset, heldBefore, amount + premium, order.minProfit);
        emit Liquidated(order.user, order.collateralAsset, asset, debtCovered, collateralSeized, profit);
        return true;
    }

    /// @dev Liquidates with the borrowed `amount` and sells what was seized for the debt asset.
    function _liquidateAndSell(Order memory order, address debtAsset, uint256 amount)
        private
        returns (uint256 debtCovered, uint256 collateralSeized)
    {
        address collateralAsset = order.collateralAsset;
        uint256 collateralBefore = IERC20(collateralAsset).balanceOf(address(this));
        // Approve exactly the loan: Aave may take less (close factor, or the user's collateral caps it),
        // and the allowance left over tells how much it took.
        _approve(debtAsset, pool, amount);
        IPool(pool).liquidationCall(collateralAsset, debtAsset, order.user, amount, false);
        uint256 unusedAllowance = IERC20(debtAsset).allowance(address(this), pool);
        debtCovered = amount - unusedAllowance;
        if (unusedAllowance != 0) _approve(debtAsset, pool, 0); // tokens like USDT refuse a non-zero to non-zero approval

        uint256 collateralAfter = IERC20(collateralAsset).balanceOf(address(this));
        if (collateralAsset == debtAsset) {
            // Same asset: the balance went down by the repaid debt and up by the seized collateral; nothing to sell.
            collateralSeized = collateralAfter + debtCovered - collateralBefore;
        } else {
            collateralSeized = collateralAfter - collateralBefore;
            _approve(collateralAsset, router, collateralSeized);
            IUniswapV2Router02(router).swapExactTokensForTokens(
                collateralSeized, order.minAmountOut, order.swapPath, address(this), block.timestamp
            );
        }
    }

    /// @dev Checks that the unused loan plus the proceeds cover `owed` with at least `minProfit` to spare,
    ///      pays the rest to the owner and lets the Pool pull `owed`.
    function _payOut(address debtAsset, uint256 heldBefore, uint256 owed, uint256 minProfit) private returns (uint256 profit) {
        uint256 available = IERC20(debtAsset).balanceOf(address(this)) - heldBefore;
        if (available < owed) revert RepaymentShortfall(available, owed);
        profit = available - owed;
        if (profit < minProfit) revert InsufficientProfit(profit, minProfit);
        if (profit != 0) _transfer(debtAsset, owner, profit);
        _approve(debtAsset, pool, owed);
    }

    /// @notice Liquidates a batch (see Batch). Owner only. Each debt asset's path runs in its own guarded call: one
    ///         that fails (every item skipped, its profit short of its minimum, its swap below the floor) is undone
    ///         and reported with BatchPathSkipped, the others settle. Reverts only when the batch is malformed.
    function liquidateBatch(Batch calldata batch) external onlyOwner {
        _validate(batch);
        for (uint256 j = 0; j < batch.debtAssets.length; j++) {
            uint256 gasBefore = gasleft();
            try this.runPath(batch, j) {
                // settled: the path emitted its items' events and BatchSettled itself
            } catch (bytes memory reason) {
                _revertIfOutOfGas(gasBefore, reason);
                _reportFailedPath(batch, j, reason);
            }
        }
    }

    /// @notice One debt asset's path of a batch, run by the contract on itself so that its failure undoes only its own
    ///         state: funded by a flash loan of exactly what its items repay, or by the owner's tokens.
    function runPath(Batch calldata batch, uint256 j) external {
        if (msg.sender != address(this)) revert NotSelf();
        address asset = batch.debtAssets[j];
        uint256 amount = 0;
        for (uint256 i = 0; i < batch.items.length; i++) {
            if (batch.items[i].debtAsset == asset) amount += batch.items[i].debtToCover;
        }
        if (batch.fromOwner) {
            uint256 held = IERC20(asset).balanceOf(owner);
            if (held < amount) amount = held;
            _tokenCall(asset, abi.encodeWithSelector(0x23b872dd, owner, address(this), amount)); // transferFrom
            _runPath(batch, j, amount, 0);
        } else {
            address[] memory assets = new address[](1);
            assets[0] = asset;
            uint256[] memory amounts = new uint256[](1);
            amounts[0] = amount;
            IPool(pool).flashLoan(address(this), assets, amounts, new uint256[](1), address(this), abi.encode(batch, j), 0);
        }
    }

    /// @notice The Pool's callback of a path's flash loan: only the Pool, only for a loan this contract started
    ///         (runPath, reachable only from the owner's liquidateBatch).
    function executeOperation(
        address[] calldata assets,
        uint256[] calldata amounts,
        uint256[] calldata premiums,
        address initiator,
        bytes calldata params
    ) external returns (bool) {
        if (msg.sender != pool) revert NotPool();
        if (initiator != address(this)) revert BadInitiator();
        (Batch memory batch, uint256 j) = abi.decode(params, (Batch, uint256));
        if (assets.length != 1 || assets[0] != batch.debtAssets[j]) revert BadBatch();
        _runPath(batch, j, amounts[0], premiums[0]);
        return true;
    }

    /// @notice One item, run by the contract on itself so that its failure reverts only its own state.
    function liquidateItem(Item calldata item) external returns (uint256 debtCovered, uint256 collateralSeized) {
        if (msg.sender != address(this)) revert NotSelf();
        uint256 collateralBefore = IERC20(item.collateralAsset).balanceOf(address(this));
        _approve(item.debtAsset, pool, item.debtToCover);
        IPool(pool).liquidationCall(item.collateralAsset, item.debtAsset, item.user, item.debtToCover, false);
        uint256 unusedAllowance = IERC20(item.debtAsset).allowance(address(this), pool);
        debtCovered = item.debtToCover - unusedAllowance;
        if (unusedAllowance != 0) _approve(item.debtAsset, pool, 0);
        uint256 collateralAfter = IERC20(item.collateralAsset).balanceOf(address(this));
        // same asset: the balance went down by the repaid debt and up by the seized collateral
        collateralSeized = item.collateralAsset == item.debtAsset
            ? collateralAfter + debtCovered - collateralBefore
            : collateralAfter - collateralBefore;
        if (collateralSeized < item.minCollateral) revert CollateralShortfall(collateralSeized, item.minCollateral);
    }

    /// @dev Path j with `amount` of its debt asset in hand (borrowed or pulled) and `premium` owed on top: its items,
    ///      then its swaps in batch order, then the settlement. Any failure of ours reverts with PathFailed. The debt its
    ///      kept items repaid is owed no more: the owner paid it for the collateral he received.
    function _runPath(Batch memory batch, uint256 j, uint256 amount, uint256 premium) private {
        address asset = batch.debtAssets[j];
        uint256 heldBefore = IERC20(asset).balanceOf(address(this)) - amount;
        (uint256[] memory toSell, bytes[] memory itemReasons, uint256 keptDebt) = _liquidateItems(batch, asset);
        _sell(batch, asset, toSell, itemReasons);
        uint256 owed = amount + premium - keptDebt;
        uint256 available = IERC20(asset).balanceOf(address(this)) - heldBefore;
        if (available < owed) _failPath(batch, asset, itemReasons, abi.encodeWithSelector(RepaymentShortfall.selector, available, owed));
        uint256 profit = available - owed;
        uint256 minProfit = batch.minProfits[j];
        if (profit < minProfit) _failPath(batch, asset, itemReasons, abi.encodeWithSelector(InsufficientProfit.selector, profit, minProfit));
        if (batch.fromOwner) {
            // the owner's own tokens back, what the Pool did not take included, with the profit: one transfer
            if (available != 0) _transfer(asset, owner, available);
        } else {
            if (profit != 0) _transfer(asset, owner, profit);
            _approve(asset, pool, owed);
        }
        emit BatchSettled(asset, amount, profit);
    }

    /// @dev Every item of `asset`'s path in its guarded call: the collateral each swap has to sell (or hand over), each
    ///      failed item's revert data (entries of other paths and of liquidated items stay empty) and the debt repaid by
    ///      items whose collateral is kept. Fails the path if none ran.
    function _liquidateItems(Batch memory batch, address asset)
        private
        returns (uint256[] memory toSell, bytes[] memory itemReasons, uint256 keptDebt)
    {
        toSell = new uint256[](batch.swaps.length);
        itemReasons = new bytes[](batch.items.length);
        bool any = false;
        for (uint256 i = 0; i < batch.items.length; i++) {
            Item memory item = batch.items[i];
            if (item.debtAsset != asset) continue;
            uint256 gasBefore = gasleft();
            try this.liquidateItem(item) returns (uint256 debtCovered, uint256 collateralSeized) {
                toSell[item.swap] += collateralSeized;
                if (batch.swaps[item.swap].path.length == 1) keptDebt += debtCovered;
                any = true;
                emit BatchItemLiquidated(i, item.user, debtCovered, collateralSeized);
            } catch (bytes memory reason) {
                _revertIfOutOfGas(gasBefore, reason);
                itemReasons[i] = reason;
                emit BatchItemSkipped(i, item.user, reason);
            }
        }
        if (!any) _failPath(batch, asset, itemReasons, abi.encodeWithSelector(NoItemLiquidated.selector));
    }

    /// @dev One sale per swap of the path, in batch order (a kept collateral handed to the owner in one transfer). The
    ///      floor is checked here rather than by the router, so that a sale below it fails the path with its items' reasons.
    function _sell(Batch memory batch, address asset, uint256[] memory toSell, bytes[] memory itemReasons) private {
        for (uint256 k = 0; k < batch.swaps.length; k++) {
            if (toSell[k] == 0 || batch.swaps[k].path.length == 0) continue;
            address[] memory path = batch.swaps[k].path;
            if (path.length == 1) {
                _transfer(path[0], owner, toSell[k]);
                continue;
            }
            uint256 minOut = toSell[k] * batch.swaps[k].minOutPerIn / 1e18;
            _approve(path[0], router, toSell[k]);
            uint256[] memory out = IUniswapV2Router02(router).swapExactTokensForTokens(toSell[k], 0, path, address(this), block.timestamp);
            uint256 received = out[out.length - 1];
            if (received < minOut) _failPath(batch, asset, itemReasons, abi.encodeWithSelector(SwapBelowFloor.selector, received, minOut));
        }
    }

    /// @dev A guarded call that failed without revert data after using more than three quarters of the gas left ran out
    ///      of gas, here or in a call below it (each call keeps back 1/64 of its gas, so after an out-of-gas deep down
    ///      several 64ths come back): the transaction was given too little, which is no reason to report an item or a path
    ///      skipped. Reverting the whole batch also keeps eth_estimateGas from settling on a limit at which the work is
    ///      silently skipped. An item out of gas inside a path arrives here as OutOfGas: passed on too.
    function _revertIfOutOfGas(uint256 gasBefore, bytes memory reason) private view {
        if ((reason.length == 0 && gasleft() < gasBefore / 4) || (reason.length == 4 && bytes4(reason) == OutOfGas.selector)) revert OutOfGas();
    }

    /// @dev Undoes the path: every item of `asset` is reported skipped with its own reason, or with `reason` if it had run.
    function _failPath(Batch memory batch, address asset, bytes[] memory itemReasons, bytes memory reason) private pure {
        uint256 count = 0;
        for (uint256 i = 0; i < batch.items.length; i++) {
            if (batch.items[i].debtAsset == asset) count++;
        }
        bytes[] memory reasons = new bytes[](count);
        uint256 c = 0;
        for (uint256 i = 0; i < batch.items.length; i++) {
            if (batch.items[i].debtAsset != asset) continue;
            // a liquidated item's entry is empty; an item that failed without revert data is reported with the path's reason too
            reasons[c++] = itemReasons[i].length != 0 ? itemReasons[i] : reason;
        }
        revert PathFailed(reason, reasons);
    }

    /// @dev Emits what an undone path did: BatchItemSkipped for each of its items, then BatchPathSkipped. A revert that
    ///      is not our PathFailed (a token or the Pool failed outside an item) reports every item with that revert data.
    function _reportFailedPath(Batch calldata batch, uint256 j, bytes memory reason) private {
        address asset = batch.debtAssets[j];
        bytes[] memory itemReasons;
        bytes memory pathReason = reason;
        if (reason.length >= 4 && bytes4(reason) == PathFailed.selector) {
            bytes memory body = reason;
            assembly ("memory-safe") {
                // the same bytes without their 4-byte selector: the length word moves 4 bytes up (the selector is overwritten)
                let length := mload(reason)
                body := add(reason, 4)
                mstore(body, sub(length, 4))
            }
            (pathReason, itemReasons) = abi.decode(body, (bytes, bytes[]));
        }
        uint256 c = 0;
        for (uint256 i = 0; i < batch.items.length; i++) {
            if (batch.items[i].debtAsset != asset) continue;
            emit BatchItemSkipped(i, batch.items[i].user, itemReasons.length > c ? itemReasons[c] : pathReason);
            c++;
        }
        emit BatchPathSkipped(asset, pathReason);
    }

    /// @dev Checked before anything runs, so that a malformed batch reverts whole: each debt asset once, a minimum
    ///      profit each, every item's debt asset listed and its swap one that sells its collateral for its debt asset, or
    ///      keeps it in a batch of the owner's tokens (a flash loan must be repaid in its own asset).
    function _validate(Batch calldata batch) private pure {
        uint256 n = batch.debtAssets.length;
        if (n == 0 || batch.minProfits.length != n) revert BadBatch();
        for (uint256 j = 0; j < n; j++) {
            for (uint256 k = 0; k < j; k++) {
                if (batch.debtAssets[k] == batch.debtAssets[j]) revert BadBatch();
            }
        }
        for (uint256 i = 0; i < batch.items.length; i++) {
            Item calldata item = batch.items[i];
            _indexOf(batch.debtAssets, item.debtAsset);
            if (item.swap >= batch.swaps.length) revert BadBatch();
            address[] calldata path = batch.swaps[item.swap].path;
            bool kept = path.length == 1 && batch.fromOwner && path[0] == item.collateralAsset;
            if (!kept && (path.length == 0 ? item.collateralAsset != item.debtAsset
                    : path.length < 2 || path[0] != item.collateralAsset || path[path.length - 1] != item.debtAsset)) {
                revert BadSwapPath();
            }
        }
    }

    function _indexOf(address[] calldata assets, address asset) private pure returns (uint256) {
        for (uint256 j = 0; j < assets.length; j++) {
            if (assets[j] == asset) return j;
        }
        revert BadBatch();
    }

    /// @notice Moves an ERC20 out (stray tokens, dust). Owner only; the only way tokens leave besides the payout.
    function rescue(address token, address to, uint256 amount) external onlyOwner {
        _transfer(token, to, amount);
    }

    /// @notice Moves ETH out (only forced-in ETH can be here). Owner only.
    function rescueEth(address payable to, uint256 amount) external onlyOwner {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed();
    }

    // ERC20 calls through a low-level call that accepts tokens returning nothing (USDT) as well as
    // those returning a bool; a token's own revert is passed on as is, `false` or a call to an
    // address without code becomes TokenCallFailed.

    function _approve(address token, address spender, uint256 amount) private {
        _tokenCall(token, abi.encodeWithSelector(0x095ea7b3, spender, amount)); // approve(address,uint256)
    }

    function _transfer(address token, address to, uint256 amount) private {
        _tokenCall(token, abi.encodeWithSelector(0xa9059cbb, to, amount)); // transfer(address,uint256)
    }

    function _tokenCall(address token, bytes memory data) private {
        (bool ok, bytes memory result) = token.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        if (result.length == 0 ? token.code.length == 0 : !abi.decode(result, (bool))) revert TokenCallFailed(token);
    }
}
