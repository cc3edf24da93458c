import FastCGI
import Testing
import EKYCGate
@testable import EKYCSandbox

@Suite struct ApplyTests {
    func apply(_ json: String) throws -> (code: String?, message: String?, response: JSONValue) {
        let (sandbox, _) = makeSandbox()
        let response = try responseObject(sandbox.handle(apiRequest("ApplyWebVerificationBizTokenIntl", json), now: testNow))
        return (string(response["Error"]?["Code"]), string(response["Error"]?["Message"]), response)
    }

    @Test func answersTokenAndBothURLSpellings() throws {
        let (code, _, response) = try apply(#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://merchant.example.com/done", "Extra": null, "Config": null}"#)
        #expect(code == nil)
        let token = try #require(string(response["BizToken"]))
        #expect(SandboxPage.isWellFormedToken(token))
        #expect(string(response["VerificationURL"]) == "http://localhost:8081/reflect/?token=\(token)")
        #expect(string(response["VerificationUrl"]) == string(response["VerificationURL"]))
        #expect(string(response["RequestId"]) != nil)
    }

    @Test(arguments: [
        (#"{"RedirectURL": ""}"#, "RedirectURL"),
        (#"{"RedirectURL": "/relative/path"}"#, "RedirectURL"),
        (#"{"RedirectURL": "ftp://merchant.example.com/"}"#, "RedirectURL"),
        (#"{"RedirectURL": "https:///nohost"}"#, "RedirectURL"),
        (#"{"RedirectURL": "https://a.example/ space"}"#, "RedirectURL"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"CheckMode": 5}}"#, "Config.CheckMode"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"SecurityLevel": 0}}"#, "Config.SecurityLevel"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"Language": "fr"}}"#, "Config.Language"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"IDCardType": "Passport"}}"#, "Config.IDCardType"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"LivenessRetryLimit": 100}}"#, "Config.LivenessRetryLimit"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"LivenessTimeout": 601}}"#, "Config.LivenessTimeout"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"AutoDowngrade": 3}}"#, "Config.AutoDowngrade"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"Version": "PRO"}}"#, "Config.Version"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"SecurityLevel": 2, "ActionList": "blink,mouth,nod"}}"#, "Config.ActionList"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"SecurityLevel": 3, "ActionList": "blink"}}"#, "Config.ActionList"),
        (#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"SelectedWarningCodes": "-9101,-9105"}}"#, "Config.SelectedWarningCodes"),
    ])
    func invalidValuesNameTheField(json: String, field: String) throws {
        let (code, message, _) = try apply(json)
        #expect(code == "InvalidParameterValue")
        #expect(message?.contains(field) == true, "\(message ?? "")")
    }

    /// The platform's answers for a missing and for an unknown parameter, the field named.
    @Test(arguments: [
        (#"{}"#, "MissingParameter", "RedirectURL"),
        (#"{"RedirectURL": null}"#, "MissingParameter", "RedirectURL"),
        (#"{"RedirectURL": "https://a.example/", "Unknown": 1}"#, "UnknownParameter", "Unknown"),
        (#"{"RedirectURL": "https://a.example/", "Config": {"CheckMode": 3, "Checkmode": 3}}"#, "UnknownParameter", "Config.Checkmode"),
    ])
    func missingAndUnknownParameters(json: String, code expected: String, field: String) throws {
        let (code, message, _) = try apply(json)
        #expect(code == expected)
        #expect(message?.contains("`\(field)`") == true, "\(message ?? "")")
    }

    @Test func extraLimitIsInCharactersNotBytes() throws {
        let ok = String(repeating: "é", count: 1_000)
        #expect(try apply(#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Extra": "\#(ok)"}"#).code == nil)
        let (code, message, _) = try apply(#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Extra": "\#(ok)x"}"#)
        #expect(code == "InvalidParameterValue")
        #expect(message?.contains("Extra") == true)
    }

    @Test func wrongTypesAreInvalidParameter() throws {
        let (code, message, _) = try apply(#"{"CompareImageBase64": "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo", "RedirectURL": "https://a.example/", "Config": {"AutoSkip": "yes"}}"#)
        #expect(code == "InvalidParameter")
        #expect(message?.contains("Config.AutoSkip") == true)
        #expect(try apply("[1]").code == "InvalidParameter")
        #expect(try apply("not json").code == "InvalidParameter")
    }

    @Test func images() throws {
        let jpeg = "/9j/4DyXiyFe6pp5oJQQmwPo1nhCjTsx/rd4itaMeWWj3CY7oibe7YVjvQOrxhAo"
        let png = "iVBORw0KGgoAAAANSUhEUg=="
        #expect(try apply(#"{"RedirectURL": "https://a.example/", "CompareImageBase64": "\#(jpeg)"}"#).code == nil)
        #expect(try apply(#"{"RedirectURL": "https://a.example/", "CompareImageBase64": "\#(png)"}"#).code == nil)
        #expect(try apply(#"{"RedirectURL": "https://a.example/", "CompareImageBase64": "R0lGODlhAQABAAAAACw="}"#).code == "FailedOperation.ImageDecodeFailed")
        #expect(try apply(#"{"RedirectURL": "https://a.example/", "CompareImageBase64": "data:image/jpeg;base64,\#(jpeg)"}"#).code == "FailedOperation.ImageDecodeFailed")
        let huge = "/9j/" + String(repeating: "A", count: 8 * 1024 * 1024)
        #expect(try apply(#"{"RedirectURL": "https://a.example/", "CompareImageBase64": "\#(huge)"}"#).code == "FailedOperation.ImageSizeTooLarge")
    }

    @Test func invalidThemeColorFallsBackToTheDefault() throws {
        let config = try VerificationConfig(parsing: .object([("ThemeColor", .string("red;}"))]))
        #expect(config.themeColor == VerificationConfig.defaultThemeColor)
        let green = try VerificationConfig(parsing: .object([("ThemeColor", .string("#00AA00"))]))
        #expect(green.themeColor == "#00aa00")
    }
}
