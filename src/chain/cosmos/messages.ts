/**
 * Deployer intents → the protobuf messages akashnet-2 registers today (reference §1.2):
 * deployment v1beta4, market v1beta5, escrow v1, bme v1. Built with chain-sdk's generated codecs,
 * whose `fromPartial` fills defaults and whose `encode` turns decimal prices into the chain's
 * 18-decimal `LegacyDec` wire form; the type URL is `/${Msg.$type}` (the leading slash matters).
 */
import type { EncodeObject, GeneratedType } from "@cosmjs/proto-signing";
import type { GroupSpec } from "../../sdl/groups.js";
import type { StorageVolume, UnitResources } from "../../sdl/resources.js";
import type { ChainMsg } from "../types.js";
import {
  GroupSpec as ProtoGroupSpec,
  MsgAccountDeposit,
  MsgCloseDeployment,
  MsgCreateDeployment,
  MsgCreateLease,
  MsgMintACT,
  MsgUpdateDeployment,
  Scope,
  Source,
} from "./vendor-entry.js";

type ProtoGroupSpecInput = Parameters<typeof ProtoGroupSpec.fromPartial>[0];

/** Every message type the deployer sends, for the signer's registry (`/${$type}` is the type URL). */
export const MESSAGE_TYPES: Array<GeneratedType & { typeUrl: string }> = [
  MsgCreateDeployment,
  MsgUpdateDeployment,
  MsgCloseDeployment,
  MsgCreateLease,
  MsgAccountDeposit,
  MsgMintACT,
].map((codec) => Object.assign(Object.create(codec) as GeneratedType, { typeUrl: `/${codec.$type}` }));

export function toEncodeObject(msg: ChainMsg, owner: string): EncodeObject {
  switch (msg.type) {
    case "create-deployment":
      return {
        typeUrl: `/${MsgCreateDeployment.$type}`,
        value: MsgCreateDeployment.fromPartial({
          id: { owner, dseq: msg.dseq },
          groups: msg.groups.map(groupSpecToProto),
          hash: hexToBytes(msg.hash),
          deposit: { amount: { denom: msg.deposit.denom, amount: msg.deposit.amount }, sources: [Source.balance] },
        }),
      };
    case "update-deployment":
      return {
        typeUrl: `/${MsgUpdateDeployment.$type}`,
        value: MsgUpdateDeployment.fromPartial({ id: { owner, dseq: msg.dseq }, hash: hexToBytes(msg.hash) }),
      };
    case "close-deployment":
      return { typeUrl: `/${MsgCloseDeployment.$type}`, value: MsgCloseDeployment.fromPartial({ id: { owner, dseq: msg.dseq } }) };
    case "create-lease":
      return {
        typeUrl: `/${MsgCreateLease.$type}`,
        value: MsgCreateLease.fromPartial({
          bidId: { owner, dseq: msg.dseq, gseq: msg.gseq, oseq: msg.oseq, provider: msg.provider, bseq: msg.bseq },
        }),
      };
    case "deposit":
      return {
        typeUrl: `/${MsgAccountDeposit.$type}`,
        value: MsgAccountDeposit.fromPartial({
          signer: owner,
          // The deployment's escrow account: scope deployment, xid "owner/dseq" (reference §2).
          id: { scope: Scope.deployment, xid: `${owner}/${msg.dseq}` },
          deposit: { amount: { denom: msg.amount.denom, amount: msg.amount.amount }, sources: [Source.balance] },
        }),
      };
    case "mint-act":
      return {
        typeUrl: `/${MsgMintACT.$type}`,
        // `to` must equal the owner for ACT, which cannot be transferred.
        value: MsgMintACT.fromPartial({ owner, to: owner, coinsToBurn: { denom: msg.burn.denom, amount: msg.burn.amount } }),
      };
  }
}

/** Our group spec (built from the SDL with Go parity) in chain-sdk's protobuf shape. */
export function groupSpecToProto(group: GroupSpec): ProtoGroupSpecInput {
  return {
    name: group.name,
    requirements: {
      signedBy: { allOf: group.requirements.signedBy.allOf ?? [], anyOf: group.requirements.signedBy.anyOf ?? [] },
      attributes: (group.requirements.attributes ?? []).map((a) => ({ key: a.key, value: a.value })),
    },
    resources: group.resources.map((unit) => ({
      resource: resourcesToProto(unit.resources),
      count: unit.count,
      price: { denom: unit.price.denom, amount: unit.price.amount },
    })),
  };
}

function resourcesToProto(r: UnitResources) {
  return {
    id: r.id,
    cpu: r.cpu ? { units: resourceValue(r.cpu.units), attributes: r.cpu.attributes.map(copyAttribute) } : undefined,
    memory: r.memory ? { quantity: resourceValue(r.memory.size), attributes: r.memory.attributes.map(copyAttribute) } : undefined,
    storage: r.storage.map((v: StorageVolume) => ({
      name: v.name,
      quantity: resourceValue(v.size),
      attributes: (v.attributes ?? []).map(copyAttribute),
    })),
    gpu: r.gpu ? { units: resourceValue(r.gpu.units), attributes: r.gpu.attributes.map(copyAttribute) } : undefined,
    endpoints: r.endpoints.map((e) => ({ kind: e.kind, sequenceNumber: e.sequenceNumber })),
  };
}

/** `ResourceValue.val` carries the decimal digits as bytes (Go's `sdk.Int` text form). */
function resourceValue(value: bigint): { val: Uint8Array } {
  return { val: new TextEncoder().encode(value.toString()) };
}

function copyAttribute(a: { key: string; value: string }): { key: string; value: string } {
  return { key: a.key, value: a.value };
}

export function hexToBytes(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) throw new Error(`not a hex string: ${JSON.stringify(hex)}`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

export function describeMsg(msg: ChainMsg): string {
  switch (msg.type) {
    case "create-deployment":
      return `create deployment ${msg.dseq}`;
    case "update-deployment":
      return `update deployment ${msg.dseq}`;
    case "close-deployment":
      return `close deployment ${msg.dseq}`;
    case "create-lease":
      return `lease ${msg.dseq}/${msg.gseq}/${msg.oseq} with ${msg.provider}`;
    case "deposit":
      return `deposit ${msg.amount.amount}${msg.amount.denom} into deployment ${msg.dseq}`;
    case "mint-act":
      return `mint ACT by burning ${msg.burn.amount}${msg.burn.denom}`;
  }
}
