/// The body of a webhook: the event and, in `data`, the verification's result as the callback
/// answers it (the same builder), under the event's names: the token as `id`, Extra as `ref`.
///
/// ```json
/// {"id": "evt_…", "type": "verification.passed", "created": 1773567000,
///  "data": {"id": "<BizToken>", "ref": "order-42", "status": "passed", "errorCode": 0,
///           "errorMsg": "Success", "attempts": [...], "requestId": "…"}}
/// ```
///
/// Built when it is sent, from the stored record, so what a receiver gets is what the store
/// holds then; face images and video are never in it.
public enum WebhookPayload {
    public static func body(_ event: VerificationEvent, record: TokenRecord) -> [UInt8] {
        let data: [(String, JSONValue)] = [("id", .string(record.token)), ("ref", .optional(record.extra))]
            + CallbackHandler.verdictFields(record) + CallbackHandler.detailFields(record)
        return JSONValue.object([
            ("id", .string(event.id)),
            ("type", .string(event.type.rawValue)),
            ("created", .integer(event.created)),
            ("data", .object(data)),
        ]).bytes
    }
}
