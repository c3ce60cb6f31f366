package clipvr.reprogram.input;

/** What an {@link InputTransform} expects as input images. */
public enum InputSpace {
    /** ToTensor pixels in [0, 1], not normalised (AR, AttrVR, DVP: the prompt normalises after padding). */
    UNIT_PIXELS,
    /** Pixels already CLIP-normalised, (x − mean)/std (VP watermark, SMM and its shared-mask baselines). */
    CLIP_NORMALISED
}
