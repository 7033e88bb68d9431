import NeuvoClinic
import NeuvoJSON

extension Photo {
    var json: JSONValue { eventData }
}
