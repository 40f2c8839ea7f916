/** ultralytics YOLOv8's detection loss from raw per-level maps: the public pieces. */
export { yolov8Loss, yolov8ImageSize, type Yolov8Assignment, type Yolov8Inputs, type Yolov8Result } from './loss';
export { YOLOV8_DEFAULTS, type Yolov8Gains, type Yolov8Options } from './options';
export { anchorLayout, anchorPoints, type AnchorLayout, type LevelGrid } from './points';
export { assignImage, anchorsInside, newAssignment, TalScratch, type Assignment, type ClassLogits, type ImagePredictions, type TalOptions } from './tal';
export { targetsFromBatch, type ImageTargets, type PerImageTargets, type YoloBatchTargets } from './targets';
export { CIOU_EPS, yoloCiou, type YoloCiouOptions, type YoloCiouResult } from './ciou';
