/**
 * Response templates for the PowerTrack simulator, derived from the captured responses in
 * `fixtures/powertrack/` (themselves from the scraped documentation of dsd-hamsa/PowerTrack-API,
 * commit 0cdaa62, `documentation/*.md`, and dsd-hamsa/powertrack-sdk; see fixtures/powertrack/INDEX.md
 * for the provenance of each file). Names, keys and addresses that identified real customers were
 * trimmed; the generator overwrites every per-site and per-device member. Embedded here because
 * the simulator ships in the package and must not read files at run time.
 */

export const SITE_CONFIG_TEMPLATE: Record<string, unknown> = {
  "absoluteSoil": false,
  "account": "",
  "actualCommissioningDate": null,
  "adminStatus": "",
  "advancedSiteConfiguration": false,
  "advancedSiteConfigurationDocumentReceived": false,
  "aeStatus": "",
  "agencyReportingRateKey": "F38574",
  "allowEmail": true,
  "allowedChartTypes": [
    1,
    76,
    88,
    263,
    202,
    77,
    53,
    51,
    24,
    204,
    201,
    199,
    5,
    176,
    248,
    61,
    249,
    171,
    8,
    259,
    7,
    246,
    252,
    73,
    255
  ],
  "approvalId": 8,
  "approvedByKey": "",
  "approvedOn": "2025-12-12T17:53:01Z",
  "assetManagement": false,
  "availabilityCondition": 3,
  "availabilityIrradianceSource": 1,
  "availabilityTime": 1,
  "avgCellTemp": 45,
  "capacityAc": 0,
  "capacityAcUnit": 10,
  "capacityDc": 2.623,
  "capacityDcUnit": 12,
  "cecRating": 0,
  "cellModemContractAccessFlags": 0,
  "cellModemContractAccessNote": "",
  "cellModemContractCustomBanner": false,
  "cellModemContractEndDate": "2027-06-30",
  "cellModemContractIsManual": false,
  "cellModemContractStartDate": "2016-10-17",
  "cellModemContractTerminateDate": "2028-06-29",
  "cellModemContractWarnDate": "2027-05-01",
  "certifiedByKey": "",
  "certifiedOn": null,
  "chartDashboard": {
    "charts": [
      {
        "canView": false,
        "chartKey": "",
        "chartName": "",
        "chartRank": "",
        "io": ""
      }
    ]
  },
  "communityExclude": true,
  "compareRadius": 10,
  "contactEmail": "",
  "contactKind": 1,
  "contactMobile": "",
  "contactName": "",
  "contactPhone": "",
  "curtailmentCtrlMaxError": 10,
  "customQueryKey": "",
  "customerStatus": "",
  "dailyData": false,
  "dashboards": [
    {
      "key": "F119023"
    },
    {
      "key": "F119050"
    }
  ],
  "dc": false,
  "defaultQuery": 15,
  "degrade": false,
  "degradeStart": "2017-07-01",
  "description": "",
  "energyCapacity": 0,
  "energyCapacityUnit": 11,
  "energyRatioMaxAzimuth": 0,
  "energyRatioMaxIa": 0,
  "energyRatioMinAzimuth": 0,
  "energyRatioMinSun": 0,
  "energyRatioMinSunElevation": 0,
  "energyRatioUseGross": false,
  "estimatedCommissioningDate": "2017-02-03",
  "estimatedLosses": {
    "clipping": "0",
    "downtime": "0",
    "irradiance": "0",
    "shading": "0",
    "snow": "0",
    "soiling": "0",
    "temperature": "0"
  },
  "excludeCommunicationOutages": false,
  "exportDataConfig": "",
  "installDate": "2016-07-25",
  "installerKey": "",
  "isAgencyReporting": true,
  "isApproved": true,
  "isCertified": true,
  "isFractional": false,
  "isMigrated": false,
  "isMonitored": true,
  "isPaid": false,
  "isPpaInvoice": false,
  "key": "S38292",
  "language": "en-US",
  "links": [],
  "location": {
    "address1": "2100 Roosevelt Ave.",
    "address2": "",
    "city": "Springfield",
    "country": "United States",
    "elevation": 70,
    "elevationUnit": 47,
    "latitude": 42.137941,
    "longitude": -72.5508695,
    "postalCode": "01101",
    "state": "MA",
    "timeZone": 16891
  },
  "locusId": null,
  "mapTargetKey": "",
  "maxIa": 55,
  "maxIrradiance": 0,
  "maxTemperature": 0,
  "minIrradiance": 0,
  "minMonthlyPerformanceRatio": {
    "apr": 0,
    "aug": 0,
    "dec": 0,
    "feb": 0,
    "jan": 0,
    "jul": 0,
    "jun": 0,
    "mar": 0,
    "may": 0,
    "nov": 0,
    "oct": 0,
    "sep": 0
  },
  "minSun": 300,
  "minSunUp": 100,
  "minTemperature": 0,
  "minYearlyPerformanceRatio": 0,
  "mode": 0,
  "modelName": "Site Performance Estimate",
  "modelingComplete": true,
  "monitoringContractAccessFlags": 0,
  "monitoringContractAccessNote": "",
  "monitoringContractCustomBanner": false,
  "monitoringContractEndDate": "2027-06-30",
  "monitoringContractIsManual": false,
  "monitoringContractStartDate": "2016-10-17",
  "monitoringContractTerminateDate": "2028-06-29",
  "monitoringContractWarnDate": "2027-05-01",
  "monthlyOutput": {
    "apr": 318669,
    "aug": 355647,
    "dec": 118021,
    "feb": 165812,
    "jan": 136633,
    "jul": 386314,
    "jun": 382409,
    "mar": 246709,
    "may": 366919,
    "nov": 159754,
    "oct": 223249,
    "sep": 296906
  },
  "name": "Smith & Wesson - MA-21-C273",
  "netSuiteFields": {
    "netSuiteContractedPartyId": null,
    "netSuiteCustomerId": null,
    "netSuiteEpcId": null,
    "netSuiteId": null,
    "netSuiteOperationsAndMaintenanceId": null,
    "netSuiteSiteOwnerId": null,
    "netSuiteSpecifierId": null
  },
  "newNote": "",
  "newsDashboardKey": "",
  "nominalTemperature": 0,
  "notInService": false,
  "notInServiceInstruct": "",
  "operations": false,
  "overviewChart1": "255",
  "overviewChart2": "0",
  "parentKey": "C16300",
  "paymentStatus": 3145728,
  "performanceRatioMap": "",
  "powerThreshold": 0,
  "ppaRateKey": "F38573",
  "preferredWSForEstimatedInsolation": 0,
  "productionGuaranteeKey": "",
  "purl": "",
  "queryOverrides": [],
  "ratedPower": 0,
  "ratedPowerUnit": 10,
  "readOnly": false,
  "readyForValidation": true,
  "requiresPubIp": true,
  "ruleToolPreferencesKey": "",
  "runRulesDaily": true,
  "salesforceSystemId": "",
  "showEnvironment": true,
  "showGuide": false,
  "siteCommissioningComplete": true,
  "siteDashboardKey": "",
  "siteReports": [
    {
      "isEnabled": false,
      "key": "RC3004"
    },
    {
      "isEnabled": true,
      "key": "RC4940"
    }
  ],
  "siteType": 0,
  "statusDetails": "",
  "syncToLocus": false,
  "systemSizeCurrent": 2,
  "tagLine": "",
  "tags": {
    "attributes": [
      {
        "key": "T1433957",
        "name": "Region",
        "parentKey": "S38292",
        "template": -1,
        "type": 1,
        "value": "Northeast"
      },
      {
        "key": "T1433965",
        "name": "Module_Type_1",
        "parentKey": "S38292",
        "template": -1,
        "type": 1,
        "value": "SolarWorld"
      },
      {
        "key": "T1433968",
        "name": "Inverter_Type_1",
        "parentKey": "S38292",
        "template": -1,
        "type": 1,
        "value": "Chint"
      },
      {
        "key": "T1433969",
        "name": "Mounting_Type_1",
        "parentKey": "S38292",
        "template": -1,
        "type": 1,
        "value": "Parking"
      }
    ],
    "key": "{\"ancestorKey\":\"S38292\",\"isRecursive\":false,\"types\":[\"attribute\",\"keyword\",\"powerdisplay\"]}",
    "keywords": [],
    "lastChanged": null,
    "notes": [],
    "powerDisplays": []
  },
  "taskId": null,
  "testMode": false,
  "timelineReportKey": "",
  "transpositionMethod": 0,
  "ts": "2025-12-12T17:53:01Z",
  "tuneUpCompleted": false,
  "tuneUpCompletedDate": null,
  "tuneUpCompletedUser": "",
  "tuneUpPurchased": false,
  "tuneUpPurchasedDate": null,
  "tuneUpPurchasedUser": "",
  "tuneUpStarted": false,
  "tuneUpStartedDate": null,
  "tuneUpStartedUser": "",
  "tuneUpValidated": false,
  "tuneUpValidatedDate": null,
  "tuneUpValidatedUser": "",
  "turnOnDate": "2017-01-10",
  "tz": "US/Eastern",
  "url": "",
  "useDegradeStart": true,
  "useFilterAverageWeather": false,
  "useGross": false,
  "utilityRateKey": "",
  "validDataDate": "2017-01-10T19:53:00Z",
  "waitForKey": "",
  "weatherStationKey": "",
  "yearTotal": "3.16",
  "yearTotalUnits": "GWh",
  "yearly": 0,
  "yearlyAgeMode": 0,
  "yearlyDegrade": 0.5
};

export const VIEW_SITE_TEMPLATE: Record<string, unknown> = {
  "actualCommissioningDate": null,
  "address": {
    "address1": "2100 Roosevelt Ave.",
    "address2": "",
    "city": "Springfield",
    "country": "United States",
    "postalCode": "01101",
    "stateProvince": "MA"
  },
  "advancedSiteConfiguration": false,
  "capacityAc": 0,
  "capacityAcUnit": 10,
  "capacityDc": 2.623,
  "capacityDcUnit": 12,
  "cellModemContractAccessNote": "",
  "cellModemContractCustomBanner": false,
  "cellModemContractEndDate": "2027-06-30T00:00:00Z",
  "cellModemContractIsManual": false,
  "cellModemContractStartDate": "2016-10-17T00:00:00Z",
  "cellModemContractStatus": 0,
  "cellModemContractTerminateDate": "2028-06-29T00:00:00Z",
  "cellModemContractWarnDate": "2027-05-01T00:00:00Z",
  "cellModemContractWillNotRenew": false,
  "customQueryKey": "",
  "customerLogo": "/Content/DBFile?urltype=file&fidrev=F86940",
  "dailyProductionEstimate": 3713.6697870200255,
  "defaultQuery": 15,
  "elevation": 70,
  "energyCapacity": 0,
  "energyCapacityUnit": 11,
  "estimatedCommissioningDate": "2017-02-03",
  "estimatedLosses": {
    "clipping": "0",
    "downtime": "0",
    "irradiance": "0",
    "shading": "0",
    "snow": "0",
    "soiling": "0",
    "temperature": "0"
  },
  "isMonitored": true,
  "key": "S38292",
  "lastChanged": "2025-12-12T17:53:01Z",
  "latitude": 42.137941,
  "longitude": -72.5508695,
  "monitoringContractAccessNote": "",
  "monitoringContractCustomBanner": false,
  "monitoringContractEndDate": "2027-06-30T00:00:00Z",
  "monitoringContractIsManual": false,
  "monitoringContractStartDate": "2016-10-17T00:00:00Z",
  "monitoringContractStatus": 0,
  "monitoringContractTerminateDate": "2028-06-29T00:00:00Z",
  "monitoringContractWarnDate": "2027-05-01T00:00:00Z",
  "monitoringContractWillNotRenew": false,
  "monthlyProductionEstimate": 113114.89364495015,
  "name": "Smith & Wesson - MA-21-C273",
  "overviewChart1": "255",
  "overviewChart2": "0",
  "parentKey": "C16300",
  "paymentStatus": 3145728,
  "preferredWSForEstimatedInsolation": 0,
  "ratedPower": 0,
  "ratedPowerUnit": 10,
  "requiresPubIp": true,
  "sitePhotos": null,
  "siteType": 0,
  "status": 8,
  "validDataDate": "2017-01-10T14:53:00Z",
  "weatherMode": 0,
  "workingStatus": ""
};

export const INVERTER_CONFIG_TEMPLATE: Record<string, unknown> = {
  "key": "H541363",
  "parentKey": "S70513",
  "ts": "2025-12-01T16:47:50Z",
  "description": "Inv C10 - (62.5 kW) SMA Core 1 STP",
  "assetId": "",
  "hardwareId": "C44418_S70513_PV9",
  "instance": 9,
  "functionId": "PV9",
  "functionCode": 1,
  "hardwareStatus": 1,
  "capacityKw": 62.5,
  "sort": 20,
  "gatewayKey": "H541350",
  "gatewayId": "000CC68E608F",
  "gatewayFwVersion": "",
  "gatewayScriptCount": "",
  "gatewayType": 2,
  "serialNum": "3019997800",
  "modelNum": "SMA 62.5kW PV INVERTER",
  "installDate": "2025-01-09",
  "driverId": 19880,
  "driverDescription": "Sunny Highpower Version 5 *(fix large negative night time spikes for 5 registers)",
  "driverFlags": 2115,
  "driverName": "SMA SHPxx-20-US V5 (Qualified)",
  "driverNotes": "**Qualified \\rV5\\r(INVERTER DATA NOT correctable at this time)\\r... (truncated)",
  "validatedByKey": "",
  "validatedDateTime": "0001-01-01T00:00:00",
  "debug": false,
  "outOfService": false,
  "outOfServiceNote": "",
  "outOfServiceUntil": "2025-12-01T19:50:14.449826Z",
  "reportExclude": false,
  "limitedCommunication": false,
  "primary": false,
  "address": "192.168.13.60",
  "unitId": 3,
  "isTcp": true,
  "port": 1,
  "serialMode": 2,
  "baud": "9600",
  "newNote": null,
  "dashboardKey": "",
  "dcRating": 30420,
  "defaultChart": 2,
  "chartSectionCode": 1,
  "conflictNames": null,
  "isConflictAcknowledged": false,
  "settings": [
    {
      "originalValue": 9600,
      "index": 0,
      "name": "dev:baud",
      "value": 9600,
      "type": 1
    },
    {
      "originalValue": "rs485",
      "index": 1,
      "name": "dev:portMode",
      "value": "rs485",
      "type": 0
    },
    {
      "originalValue": 0,
      "index": 2,
      "name": "dev:RegOffset",
      "value": 0,
      "type": 1
    }
  ],
  "deviceRegisters": [
    {
      "index": 0,
      "name": "AC Power Output",
      "localizedName": "Active Power",
      "dataName": "KwAC",
      "standardDataName": "Active_Power",
      "isIgnored": false,
      "isRaw": true,
      "isArchived": true,
      "units": "kW",
      "dataNameDetail": null
    },
    {
      "index": 1,
      "name": "AC Energy",
      "localizedName": "Active Energy Net (with Offset)",
      "dataName": "KwhAC",
      "standardDataName": "Active_Energy_Gross",
      "isIgnored": false,
      "isRaw": true,
      "isArchived": true,
      "units": "kWh",
      "dataNameDetail": null
    },
    {
      "index": 2,
      "name": "L1-L2 AC Voltage",
      "localizedName": "AC Voltage A-B (Line-Line)",
      "dataName": "VAC_AB",
      "standardDataName": "AC_Voltage_AB",
      "isIgnored": false,
      "isRaw": true,
      "isArchived": true,
      "units": "V",
      "dataNameDetail": null
    }
  ]
};

export const GATEWAY_CONFIG_TEMPLATE: Record<string, unknown> = {
  "additionalRegisters": [],
  "address": "0",
  "alsoHardwareId": 0,
  "alsoSiteId": 0,
  "array": null,
  "assetId": "",
  "autoCorrectDecrease": false,
  "autoCorrectIncrease": false,
  "baud": "",
  "capacityKw": 909,
  "chartSectionCode": 0,
  "commonDC": false,
  "commonDCAllMatch": true,
  "configs": [
    "Gateway"
  ],
  "conflictNames": null,
  "dashboardKey": "",
  "dcRating": 0,
  "debug": false,
  "decreaseDifference": -1,
  "defaultChart": 0,
  "description": "Data Logger #1",
  "deviceRegisters": [
    {
      "dataName": "fw",
      "dataNameDetail": null,
      "index": 0,
      "isArchived": false,
      "isIgnored": false,
      "isRaw": false,
      "localizedName": "Version",
      "name": "Version",
      "standardDataName": "",
      "units": ""
    }
  ],
  "driverDescription": "Moxa Data Logger Gateway",
  "driverFlags": 1,
  "driverId": 201,
  "driverName": "Moxa Gateway",
  "driverNotes": "Time format is yyyyMMddTHHmmss",
  "driverRegisters": [],
  "eGauge": null,
  "fixedEnergyOffset": 0,
  "functionCode": 10,
  "functionId": "GW0",
  "gateway": {
    "commandAccessLevel": 1,
    "connectionType": 0,
    "deviceGatewayType": 2,
    "dns1": "",
    "dns2": "",
    "firmware": {
      "client": "bootstrap.exe;1.2.0.0|bustest.exe;1.2.0.5|moxabroker.exe;2.0.1.9|watchdog.exe;1.4.0.2|mxdevice.dll;1.0.3054.34117",
      "debug": true,
      "enable": true,
      "gatewayId": "0090E855C584",
      "gatewayParams": [
        {
          "name": "rate",
          "value": "200"
        },
        {
          "name": "path_config",
          "value": "/AEservlet/modbus.handler"
        },
        {
          "name": "upload",
          "value": "/AEservlet/modbus.handler"
        },
        {
          "name": "path_firmware",
          "value": "/AEservlet/firmware.handler"
        },
        {
          "name": "logEmail",
          "value": ""
        }
      ],
      "ip1": "192.168.13.101",
      "ip2": "0.0.0.0",
      "lastBoot": "23:34 (h:m)",
      "lastUpdate": "27 seconds",
      "server": "bootstrap.exe;1.2.0.0|moxabroker.exe;2.0.1.9|watchdog.exe;1.4.0.2|mxdevice.dll;1.0.3054.34117|BusTest.exe;1.2.0.5"
    },
    "gatewayIp": "",
    "gatewayType": 0,
    "ipAddress": "",
    "mask": ""
  },
  "gatewayFwVersion": "",
  "gatewayId": "0090E855C584",
  "gatewayKey": "H70611",
  "gatewayScriptCount": "",
  "gatewayType": 2,
  "groupAllowed": [],
  "groupKey": "",
  "hardwareId": "C10373_S38292_GW0",
  "hardwareStatus": 1,
  "hasCapacity": true,
  "hash": "",
  "increaseDifference": -1,
  "installDate": "2016-08-07",
  "instance": 0,
  "inverterKw": 909,
  "isConflictAcknowledged": false,
  "isReportable": false,
  "isTcp": false,
  "isThermal": false,
  "key": "H70611",
  "kiosk": null,
  "latitude": 42.137941,
  "limitedCommunication": false,
  "locusId": "",
  "longitude": -72.5508695,
  "meter": null,
  "modelNum": "",
  "newNote": "",
  "oneMinuteData": false,
  "outOfService": false,
  "outOfServiceNote": "",
  "outOfServiceUntil": "2025-12-19T20:14:03.8315607Z",
  "outputAllowed": [],
  "outputKey": "",
  "parentKey": "S38292",
  "port": 0,
  "primary": false,
  "pullData": false,
  "pvConfig": null,
  "readOnly": false,
  "registerOffsets": [],
  "reportExclude": false,
  "reverse": false,
  "sampleRate": 0,
  "serialMode": -1,
  "serialNum": "",
  "settings": [
    {
      "index": 0,
      "name": "dev:rate",
      "originalValue": "60",
      "type": 0,
      "value": "60"
    }
  ],
  "siteDcShare": 0,
  "siteHasInverterGroups": false,
  "sort": 3,
  "syncToLocus": false,
  "tags": {
    "attributes": [],
    "key": "{\"ancestorKey\":\"H70611\",\"isRecursive\":false,\"types\":[\"attribute\",\"keyword\",\"note\"]}",
    "keywords": [],
    "lastChanged": null,
    "notes": [],
    "powerDisplays": []
  },
  "taskKey": "",
  "thermal": null,
  "thread": 0,
  "ts": "2023-02-13T21:27:56Z",
  "turbine": null,
  "unitId": 0,
  "uploadRate": 0,
  "validatedByKey": "",
  "validatedDateTime": "0001-01-01T00:00:00",
  "virtualRegisters": [],
  "virtualWeather": null,
  "weather": null,
  "weatherStationKey1": "",
  "weatherStationKey2": "",
  "zone": null
};

export const MODELING_INVERTER_TEMPLATE: Record<string, unknown> = {
  "mppWatts": 375.20000000000005,
  "pvSystOutOfSync": false,
  "pvSystModuleId": 0,
  "pvSystConfig": {
    "key": "",
    "manufacturer": "",
    "model": "",
    "cellType": -1,
    "cellsSeries": 0,
    "cellsParallel": 0,
    "cellArea": 0,
    "isc": 0,
    "voc": 0,
    "impp": 0,
    "vmpp": 0,
    "muIsc": 0,
    "rShunt": 0,
    "rSeries": 0,
    "rShuntGinc": 0,
    "rShuntExp": 0,
    "muPMax": 0
  },
  "pvUsaConfig": {
    "irradiance": 0,
    "irradianceSquared": 0,
    "windSpeed": 0,
    "ambientTemperature": 0
  },
  "installationType": 2,
  "bifacialRatio": 0.0843,
  "efficiency": 0,
  "moduleArea": 0,
  "limitOne": 0,
  "limitTempOne": 0,
  "limitTwo": 0,
  "limitTempTwo": 0,
  "acVoltage": 600,
  "dcAmps": 275,
  "dcSize": 146.25,
  "dcVoltage": 1500,
  "inverterLoss": 4,
  "inverterKw": 125,
  "inverterName": "",
  "inverterKva": 125,
  "shadeModel": {
    "hasInterRowShadeModel": 0,
    "albedoWeight": 0,
    "diffuseWeight": 0,
    "regions": [],
    "interRowShadeModel": {
      "azimuth": 0,
      "panelLength": 0,
      "pitch": 0,
      "rows": 0,
      "tilt": 0,
      "topBorderLength": 0
    }
  },
  "numOfStrings": 15,
  "panelsPerString": 26,
  "derate": 0.9,
  "wattsPerPanel": 375,
  "mppVoltage": 40,
  "mppAmps": 9.38,
  "tempCoefficient": -0.37,
  "azimuth": 180,
  "tilt": 0,
  "tracking": 1,
  "trackingAngle": -60,
  "derateDetail": false,
  "lightInducedDegradation": 0,
  "pmaxDeviation": 0,
  "mismatch": 0,
  "dcLoss": 0,
  "acLoss": 0,
  "transformerLoss": 0,
  "regressionFunctionList": [],
  "efficiencyCurveId": 0,
  "efficiencyCurveModel": {
    "key": "",
    "modelType": 0,
    "manufacturer": "",
    "modelName": "",
    "pointsList": [],
    "scaleX": 0,
    "scaleY": 0
  },
  "incidenceAngleCurveId": 0,
  "incidenceAngleCurveModel": {
    "key": "",
    "modelType": 0,
    "manufacturer": "",
    "modelName": "",
    "pointsList": [],
    "scaleX": 0,
    "scaleY": 0
  }
};

export const PV_CONFIG_TEMPLATE: Record<string, unknown> = {
  "pvModelType": 0,
  "acDcType": 0,
  "acInfo": 1,
  "inverters": [],
  "fileAKey": "",
  "fileBKey": "",
  "combinerInputs": [],
  "degrade": 0.5,
  "monthlyDerate": {
    "jan": 1,
    "feb": 1,
    "mar": 1,
    "apr": 1,
    "may": 1,
    "jun": 1,
    "jul": 1,
    "aug": 1,
    "sep": 1,
    "oct": 1,
    "nov": 1,
    "dec": 1
  },
  "monthlyOutput": {
    "jan": 8998,
    "feb": 13127,
    "mar": 19200,
    "apr": 23033,
    "may": 24652,
    "jun": 25055,
    "jul": 28216,
    "aug": 25240,
    "sep": 19603,
    "oct": 12723,
    "nov": 8641,
    "dec": 6770
  },
  "canIntegrateCombiners": false,
  "hasIntegratedCombiners": false
};

export const HARDWARE_STATUS_TEMPLATE: Record<string, unknown> = {
  "baseUrl": "",
  "baudRate": "",
  "controlUrl": "",
  "dashboardKey": "",
  "dataBits": "",
  "devicePath": "",
  "easyConfigBaseUrl": "",
  "easyConfigLink": "",
  "gatewayType": 2,
  "hardwareName": "Weather Station (Module)",
  "ipAddress": 0,
  "isPMCE": false,
  "isTcp": false,
  "jwt": "",
  "key": "H70617",
  "lastAttempt": "2025-12-19T20:18:49Z",
  "lastChanged": "2017-10-17T15:42:09Z",
  "lastCommunication": 0,
  "lastSuccess": "2025-12-19T20:18:19Z",
  "lastSuccessImageUrl": "",
  "obviusNetworkInfo": null,
  "outOfService": false,
  "outOfServiceNote": "",
  "outOfServiceUntil": null,
  "parentKey": "S38292",
  "parity": "",
  "readOnly": false,
  "registerSets": [],
  "stopBits": "",
  "tcpPort": null,
  "timeZone": "US/Eastern",
  "unitId": 0
};

export const STATUS_REGISTERS_TEMPLATE: Array<Record<string, unknown>> = [
  {
    "address": "0",
    "bustestCommand": "bustest adr=42 port=2 reg=0",
    "canModify": false,
    "hide": true,
    "identifier": "",
    "ipAddress": "42",
    "isIgnored": false,
    "isStored": false,
    "legacyDataName": "",
    "localizedName": "Wind Direction",
    "modpollCommand": "modpoll -m rtu -1 -a 42 -r 1 -t 4 -b 9600 -p none COM2",
    "name": "Wind Direction",
    "pingCommand": "",
    "register": "4090",
    "scale": "P2==\"W\" ? (this*360.0/4095) : 0",
    "standardAlertMessage": [],
    "standardDataName": "",
    "units": "°",
    "value": "0",
    "writeFunction": ""
  },
  {
    "address": "3",
    "bustestCommand": "bustest adr=42 port=2 reg=3",
    "canModify": false,
    "hide": false,
    "identifier": "",
    "ipAddress": "42",
    "isIgnored": false,
    "isStored": true,
    "legacyDataName": "Temp1",
    "localizedName": "Module Temperature",
    "modpollCommand": "modpoll -m rtu -1 -a 42 -r 3 -0 -t 4 -b 9600 -p none COM2",
    "name": "Module temp",
    "pingCommand": "",
    "register": "1902",
    "scale": "TR2==\"S\" ? (this)*205.2/4096-52.6 : (this)*180.0/4096-4",
    "standardAlertMessage": [],
    "standardDataName": "Temp_Module",
    "units": "°F",
    "value": "42.686",
    "writeFunction": ""
  },
  {
    "address": "103",
    "bustestCommand": "bustest adr=42 port=2 reg=103 function=0",
    "canModify": false,
    "hide": false,
    "identifier": "",
    "ipAddress": "42",
    "isIgnored": false,
    "isStored": true,
    "legacyDataName": "CabF",
    "localizedName": "Cabinet Temperature",
    "modpollCommand": "Invalid function: 0",
    "name": "CabF",
    "pingCommand": "",
    "register": "0",
    "scale": "Int(421.0 - (751.0*CabHigh/CabLow))",
    "standardAlertMessage": [],
    "standardDataName": "Temp_Cabinet",
    "units": "°F",
    "value": "77",
    "writeFunction": ""
  },
  {
    "address": "12",
    "bustestCommand": "bustest adr=42 port=2 reg=12",
    "canModify": true,
    "hide": false,
    "identifier": "",
    "ipAddress": "42",
    "isIgnored": false,
    "isStored": false,
    "legacyDataName": "",
    "localizedName": "Operating Status",
    "modpollCommand": "modpoll -m rtu -1 -a 42 -r 12 -0 -t 4 -b 9600 -p none COM2",
    "name": "Status",
    "pingCommand": "",
    "register": "7",
    "scale": "",
    "standardAlertMessage": [],
    "standardDataName": "",
    "units": "",
    "value": "0000.0000.0000.0111",
    "writeFunction": "write6"
  }
];

export const TRIGGER_TEMPLATES: Record<string, Record<string, unknown>> = {
  "AI250": {
    "alertTypeKey": "AI250",
    "checkNoSnow": false,
    "checkSun": false,
    "checkTime": false,
    "delayHoursResolve": 0,
    "delayHoursTrigger": 0.25,
    "description": "Detects when a device is not talking to the data logger, or invalid data is received from the device.",
    "endTime": 0,
    "hasImpact": false,
    "id": 138373,
    "impact": 0,
    "isActive": true,
    "key": "AS138373",
    "lastChanged": "2017-10-17T15:42:09Z",
    "name": "Device communication",
    "ownerKey": "",
    "parameters": [
      {
        "index": 0,
        "info": "Ignore invalid data",
        "name": "IgnoreInvalidData",
        "readOnly": true,
        "source": 2,
        "type": 7,
        "value": 0
      }
    ],
    "parentKey": "H70617",
    "priorityLevel": 0,
    "sharing": 0,
    "startTime": 0,
    "sunMaxAzimuth": 0,
    "sunMinAzimuth": 0,
    "sunMinElevation": 0
  },
  "AI499": {
    "alertTypeKey": "AI499",
    "checkNoSnow": false,
    "checkSun": false,
    "checkTime": false,
    "delayHoursResolve": 0.25,
    "delayHoursTrigger": 0.5,
    "description": "Detects weather station problems - Invalid irradiance values - Low mid-day irradiance (less than 25 w/m²) - Invalid temperatures - Module temperature less than 3 °C higher than ambient when there's at least 500 w/m²",
    "endTime": 0,
    "hasImpact": false,
    "id": 138374,
    "impact": 0,
    "isActive": true,
    "key": "AS138374",
    "lastChanged": "2017-10-17T15:42:09Z",
    "name": "Weather Station Alert",
    "ownerKey": "",
    "parameters": [],
    "parentKey": "H70617",
    "priorityLevel": 0,
    "sharing": 0,
    "startTime": 0,
    "sunMaxAzimuth": 0,
    "sunMinAzimuth": 0,
    "sunMinElevation": 0
  },
  "AI362": {
    "key": "",
    "lastChanged": "2025-11-14T00:00:12Z",
    "id": 0,
    "alertTypeKey": "AI362",
    "parentKey": "H347559",
    "name": "Inverter / irradiance check",
    "description": "Generate an alert if the inverter is not running for 60 minutes while the irradiance exceeds a threshold.",
    "isActive": true,
    "priorityLevel": 0,
    "checkSun": true,
    "checkTime": false,
    "checkNoSnow": true,
    "hasImpact": false,
    "impact": 100,
    "delayHoursTrigger": 1,
    "delayHoursResolve": 0.5,
    "startTime": 0,
    "endTime": 0,
    "sunMinElevation": 10,
    "sunMinAzimuth": 0,
    "sunMaxAzimuth": 0,
    "parameters": [
      {
        "source": 2,
        "info": "",
        "readOnly": false,
        "index": 0,
        "name": "Weather station",
        "value": "",
        "type": 5
      },
      {
        "source": 2,
        "info": "Minimum irradiance level",
        "readOnly": false,
        "index": 0,
        "name": "Threshold",
        "value": 200,
        "type": 3
      },
      {
        "source": 2,
        "info": "Do not trigger if the AC voltage for the production meter is zero.",
        "readOnly": false,
        "index": 0,
        "name": "SuppressIfNoAC",
        "value": true,
        "type": 16
      }
    ],
    "ownerKey": "",
    "sharing": 0
  },
  "AI862": {
    "key": "x2d1aee87",
    "lastChanged": "2025-11-14T00:05:11Z",
    "id": 1764999,
    "alertTypeKey": "AI862",
    "parentKey": "H347559",
    "name": "SMA STP/TriPower Fault Alert",
    "description": "SMA TriPower Fault Alert following the SMA Event Messages Document.",
    "isActive": true,
    "priorityLevel": 0,
    "checkSun": true,
    "checkTime": false,
    "checkNoSnow": false,
    "hasImpact": true,
    "impact": 0,
    "delayHoursTrigger": 1,
    "delayHoursResolve": 0.5,
    "startTime": 0,
    "endTime": 0,
    "sunMinElevation": 10,
    "sunMinAzimuth": 0,
    "sunMaxAzimuth": 0,
    "parameters": [],
    "ownerKey": "",
    "sharing": 0
  }
};

export const DRIVER_SETTINGS_TEMPLATE: Array<Record<string, unknown>> = [
  {
    "name": "dev:KWHoffset",
    "type": 2,
    "value": "0"
  },
  {
    "name": "dev:ScaleKW",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleV",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleI",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleVDC",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleIDC",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleFrequency",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleKWH",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleT",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleKVA",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScalePF",
    "type": 0,
    "value": "0.001"
  },
  {
    "name": "dev:ScaleKVAR",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:ScaleKWDC",
    "type": 0,
    "value": "0.1"
  },
  {
    "name": "dev:Alias",
    "type": 0,
    "value": "Status=opmode"
  },
  {
    "name": "dev:Regoffset",
    "type": 0,
    "value": "0"
  }
];

export const REGISTER_OFFSETS_TEMPLATE: Array<Record<string, unknown>> = [
  {
    "index": 0,
    "name": "KWHoffset",
    "registerAddress": 22,
    "registerModbusName": "Active Energy Gross",
    "value": 0
  },
  {
    "index": 1,
    "name": "",
    "registerAddress": 9999,
    "registerModbusName": "Active Energy Gross Raw",
    "value": 0
  }
];

export const PVSYST_MODULES: Array<{ name: string; value: number }> = [
  {
    "name": "(Custom PVsyst Configuration)",
    "value": 0
  },
  {
    "name": "?Jinko, JKM435M_78H",
    "value": 547
  },
  {
    "name": "Adani Solar, ASB-7-355 BI-FACIAL",
    "value": 896
  },
  {
    "name": "AE Solar, AE CQ M5/72 185",
    "value": 24
  },
  {
    "name": "Astronergy, CHSM 6610P-230",
    "value": 7
  },
  {
    "name": "Boviet Solar, BVM6612M-400L",
    "value": 610
  },
  {
    "name": "Canadian Solar, CS6P-250P",
    "value": 52
  },
  {
    "name": "First Solar, FS-6445A",
    "value": 690
  },
  {
    "name": "Hanwha Q Cells, Q.PEAK DUO L-G5.2 395",
    "value": 632
  },
  {
    "name": "JA Solar, JAM72D30-540/MB",
    "value": 689
  }
];

export const USER_PREFERENCES_TEMPLATE: Record<string, unknown> = {
  "lastChanged": "2025-12-19T20:00:19Z",
  "value": "{\"app\":{\"showPanel\":true},\"renewalCenterData\":{\"data\":\"[{\\\"key\\\":805308910,\\\"accessFlags\\\":3,\\\"messaging\\\":\\\"Access\\\",\\\"siteKey\\\":\\\"S35181\\\",\\\"siteName\\\":\\\"GE Service Center - Anaheim, CA\\\",\\\"timeline\\\":{\\\"flagsIO\\\":16,\\\"tZio\\\":10745,\\\"create\\\":\\\"2020-07-15T00:00:00Z\\\",\\\"activate\\\":\\\"2025-05-16T00:00:00Z\\\",\\\"escalate\\\":\\\"2025-07-15T00:00:00Z\\\",\\\"close\\\":\\\"2026-07-15T00:00:00Z\\\",\\\"check\\\":\\\"9999-12-31T23:59:59.9999999\\\"},\\\"lastChanged\\\":\\\"2025-11-06T03:08:51Z\\\",\\\"accessWillNotRenew\\\":false,\\\"accessType\\\":1}]\"}}"
};

export const REPORTING_TEMPLATE: Record<string, unknown> = {
  "canAddAutoReport": false,
  "canAddEmailReport": false,
  "canAddSummaryReport": false,
  "canAddUserReport": false,
  "canEditAutoReport": false,
  "views": []
};

export const AUDIT_LOG_TEMPLATE: Array<Record<string, unknown>> = [
  {
    "authorKey": "U35696",
    "authorName": "User A",
    "changeType": "Changed, Created",
    "changes": [],
    "changesAsString": "",
    "date": "2024-05-22T20:58:03Z",
    "key": "AE104401905",
    "kind": "change",
    "parentKey": "H504058",
    "text": ""
  },
  {
    "authorKey": "U35696",
    "authorName": "User A",
    "changeType": "Created",
    "changes": [],
    "changesAsString": "",
    "date": "2024-05-22T21:12:48Z",
    "key": "AE104403108",
    "kind": "change",
    "parentKey": "H504058",
    "text": "Password created"
  },
  {
    "authorKey": "U36721",
    "authorName": "User B",
    "changeType": "Changed",
    "changes": [],
    "changesAsString": "",
    "date": "2024-05-23T15:56:46Z",
    "key": "AE104463644",
    "kind": "change",
    "parentKey": "H504058",
    "text": ""
  },
  {
    "authorKey": "U27161",
    "authorName": "User C",
    "changeType": "Changed",
    "changes": [],
    "changesAsString": "",
    "date": "2025-03-13T18:25:32Z",
    "key": "AE125772305",
    "kind": "change",
    "parentKey": "H504058",
    "text": ""
  }
];

/** Efficiency curve lookups (first entry per the SDK's examples README; the rest illustrative). */
export const EFFICIENCY_CURVES: Array<{ name: string; value: number }> = [
  { name: "Select Inverter Efficiency Curve", value: 0 },
  { name: "ABB, PVS980-58-1818kVA-I", value: 818 },
  { name: "Chint, CPS SCA60KTL-DO/US-480", value: 641 },
  { name: "SMA, Sunny Tripower CORE1 62-US", value: 702 },
];

export const INCIDENCE_ANGLE_CURVES: Array<{ name: string; value: number }> = [
  { name: "Select Incidence Angle Curve", value: 0 },
  { name: "ASHRAE, b0 = 0.05", value: 1 },
  { name: "Physical (Fresnel), glass", value: 2 },
];
