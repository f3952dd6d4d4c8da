/** The custom search attributes operators filter runs by in the Web UI (`AicarbonStudy = "default"`). */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const STUDY = defineSearchAttributeKey('AicarbonStudy', SearchAttributeType.KEYWORD);
export const VINTAGE = defineSearchAttributeKey('AicarbonVintage', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('AicarbonStage', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [STUDY, VINTAGE, STAGE];
