import ArgumentParser

/// How `prune --calibration` cuts its text file into calibration batches: `windows` of the token
/// stream without special tokens (FLAP's language-model calibration), or the file's `lines`, each
/// one text as a sentence encoder sees it (with `[CLS]`, `[SEP]`). Without the option, causal
/// language models get windows and encoders lines (`TransformerModel.masksAttentionCausally`).
public enum CalibrationUnit: String, CaseIterable, ExpressibleByArgument, Sendable {
    case windows, lines
}
