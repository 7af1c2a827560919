/**
 * Manager action names of Asterisk 1.4 to 22 (core and the usual modules), lower-cased: an
 * `allowed_actions` entry outside this list is probably a typo. Only a warning, since modules
 * (third-party or newer) register actions of their own.
 */
const ACTIONS = `
AbsoluteTimeout AgentLogoff Agents AGI AOCMessage Atxfer BlindTransfer Bridge BridgeDestroy BridgeInfo
BridgeKick BridgeList BridgeTechnologyList BridgeTechnologySuspend BridgeTechnologyUnsuspend CancelAtxfer
Challenge ChangeMonitor Command ConfbridgeKick ConfbridgeList ConfbridgeListRooms ConfbridgeLock
ConfbridgeMute ConfbridgeSetSingleVideoSrc ConfbridgeStartRecord ConfbridgeStopRecord ConfbridgeUnlock
ConfbridgeUnmute ControlPlayback CoreSettings CoreShowChannelMap CoreShowChannels CoreStatus CreateConfig
DAHDIDialOffhook DAHDIDNDoff DAHDIDNDon DAHDIHangup DAHDIRestart DAHDIShowChannels DAHDIShowStatus
DAHDITransfer DBDel DBDelTree DBGet DBGetTree DBPut DeviceStateList DialplanExtensionAdd
DialplanExtensionRemove Events ExtensionState ExtensionStateList FAXSession FAXSessions FAXStats Filter
GetConfig GetConfigJSON Getvar Hangup IAXnetstats IAXpeerlist IAXpeers IAXregistry JabberSend
ListCategories ListCommands LocalOptimizeAway LoggerRotate Login Logoff MailboxCount MailboxStatus
MeetmeList MeetmeListRooms MeetmeMute MeetmeUnmute MessageSend MixMonitor MixMonitorMute ModuleCheck
ModuleLoad Monitor MuteAudio Originate Park ParkedCalls Parkinglots PauseMonitor Ping PJSIPNotify
PJSIPQualify PJSIPRegister PJSIPShowAors PJSIPShowAuths PJSIPShowContacts PJSIPShowEndpoint
PJSIPShowEndpoints PJSIPShowRegistrationInboundContactStatuses PJSIPShowRegistrationsInbound
PJSIPShowRegistrationsOutbound PJSIPShowResourceLists PJSIPShowSubscriptionsInbound
PJSIPShowSubscriptionsOutbound PJSIPUnregister PlayDTMF PlayMF PresenceState PresenceStateList
PRIDebugFileSet PRIDebugFileUnset PRIDebugSet PRIShowSpans QueueAdd QueueChangePriorityCaller QueueLog
QueueMemberRingInUse QueuePause QueuePenalty QueueReload QueueRemove QueueReset QueueRule Queues
QueueStatus QueueSummary QueueWithdrawCaller Redirect Reload SendFlash SendText SetCDRUserField Setvar
ShowDialPlan SIPnotify SIPpeers SIPpeerstatus SIPqualifypeer SIPshowpeer SIPshowregistry SKINNYdevices
SKINNYlines SKINNYshowdevice SKINNYshowline SorceryMemoryCacheExpire SorceryMemoryCacheExpireObject
SorceryMemoryCachePopulate SorceryMemoryCacheStale SorceryMemoryCacheStaleObject Status StopMixMonitor
StopMonitor UnpauseMonitor UpdateConfig UserEvent VoicemailBoxSummary VoicemailForward VoicemailMove
VoicemailRefresh VoicemailRemove VoicemailUsersList VoicemailUserStatus WaitEvent ZapDialOffhook
ZapDNDoff ZapDNDon ZapHangup ZapRestart ZapShowChannels ZapTransfer
`;

const KNOWN = new Set(
  ACTIONS.split(/\s+/)
    .filter(Boolean)
    .map((a) => a.toLowerCase()),
);

/** The names Asterisk is not known to have (action names are case-insensitive). */
export function unknownActions(names: readonly string[]): string[] {
  return names.filter((n) => !KNOWN.has(n.toLowerCase()));
}
