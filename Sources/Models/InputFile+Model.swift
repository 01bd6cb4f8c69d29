import Formats

extension InputFile {
    /// Checks every batch against `model`: each input must be one the model takes and its primary
    /// input must be there. Throws `InputError.rejectedBatch` naming the file, the line and the input.
    public func check(against model: any TransformerModel) throws {
        for (batch, location) in zip(batches, locations) {
            do {
                try model.validate(batch)
            } catch let error as ModelError {
                throw InputError.rejectedBatch(path: url.path, location: location, detail: error.errorDescription ?? "\(error)")
            }
        }
    }
}
