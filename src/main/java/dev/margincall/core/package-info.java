/**
 * Units and small value types shared by every box (addresses, hex, later wad/ray and block
 * references). Pure: no I/O, no clock, no web3j beyond its keccak.
 */
package dev.margincall.core;
